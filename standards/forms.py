from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalog file"),
        help_text=_("CSV (UTF-8 or Shift_JIS) or XLSX, with English or Japanese column names."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only, write nothing"), required=False, initial=False
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the invalid ones"), required=False
    )
    download_rejects = forms.BooleanField(
        label=_("Download the rejected rows as CSV"), required=False
    )
