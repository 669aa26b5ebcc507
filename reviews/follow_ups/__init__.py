"""Follow-up actions a ministry owes on a priority standard after its survey."""
