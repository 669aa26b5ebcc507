from django import forms
from django.utils.translation import gettext_lazy as _

from standards.dates import InvalidDate, parse_date


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


DATE_PLACEHOLDER = "2026-04-01 / 令和8年4月1日"


class EraDateField(forms.DateField):
    """A date typed as 2026-04-01, 2026/4/1, 令和8年4月1日 or R8.4.1."""

    widget = forms.TextInput(attrs={"placeholder": DATE_PLACEHOLDER, "size": 14})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except InvalidDate as exc:
            # the message quotes what was typed: pass it as a parameter, since a message is a format
            # string to whoever renders it (django-filter's API errors do `message % ()`)
            raise forms.ValidationError(
                "%(message)s", code="invalid", params={"message": str(exc)}
            ) from None
