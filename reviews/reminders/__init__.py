"""Reminders: who is chased for which open assignment on which business day, the e-mails that go
out exactly once, and the in-app notifications."""
