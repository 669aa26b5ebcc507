"""The survey: questionnaires, batches, assignments, answers and the workflow that moves them."""
