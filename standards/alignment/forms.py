"""The coordinators' upload of an international data file."""

from django import forms
from django.utils.translation import gettext_lazy as _


class InternationalImportForm(forms.Form):
    file = forms.FileField(
        label=_("International data file"),
        help_text=_(
            "ISO open data (JSON lines or CSV) or a CSV with reference, published_on, status, "
            "replaced_by."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)
