"""The plan screen's form: move one standard to another year, with the reason."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MoveForm(forms.Form):
    number = forms.CharField(label=_("Standard"), max_length=40, help_text=_("e.g. JIS B 8445"))
    fiscal_year = forms.TypedChoiceField(label=_("Move to fiscal year"), coerce=int)
    note = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, f"FY{y}") for y in years]
