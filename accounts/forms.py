"""Forms of the account pages that Django does not provide."""

import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, except that an active account without a password yet (someone invited whose
    invitation was lost or has expired) gets a link too: it sets a first password as the
    invitation would have. Django leaves such accounts out for sign-in through another system;
    here an unusable password only means "not chosen yet". Deactivated accounts get nothing."""

    def get_users(self, email):
        model = get_user_model()
        field = model.get_email_field_name()
        users = model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        wanted = _folded(email)
        return (user for user in users if _folded(getattr(user, field) or "") == wanted)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
