"""The roster screen's forms: the upload (checked first, as a dry run) and its confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("CSV (UTF-8 or Shift_JIS) or XLSX, with English or Japanese column names."),
    )
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate the people with a role whom the file does not name"),
        help_text=_("Their history is kept; their open assignments go back to routing."),
        required=False,
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
