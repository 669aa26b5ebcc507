"""People: inviting new users to set their password, the coordinators' people screen, and
deactivating someone (their open work goes back to routing)."""
