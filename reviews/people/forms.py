"""The form behind an invitation link: the person's first password, twice, checked by the site's
password validators. The view calls reviews.people.services.invitation_accept with it, which sets
the password and spends the invitation in one transaction (the form's own save() is not used)."""

from django.contrib.auth.forms import SetPasswordForm


class InvitationPasswordForm(SetPasswordForm):
    pass
