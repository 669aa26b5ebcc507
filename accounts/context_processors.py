from accounts.roles import Role, has_role, is_coordinator


def roles(request):
    """Lazily expose the user's roles to templates (no query unless a template asks)."""
    user = getattr(request, "user", None)

    class _Roles:
        @property
        def coordinator(self):
            return is_coordinator(user)

        @property
        def reviewer(self):
            return has_role(user, Role.REVIEWER)

        @property
        def ministry_viewer(self):
            return has_role(user, Role.MINISTRY_VIEWER)

    return {"roles": _Roles()}
