"""The review programme: plans, questionnaires, assignments and reminders."""
