"""The plan screen's forms: move one standard to another year, with the reason; preview the plan at
another yearly capacity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from standards.dates import fiscal_year_label

# A preview solves the whole plan: a capacity beyond the catalog's size says nothing more.
MAX_PREVIEW_CAPACITY = 100_000


class MoveForm(forms.Form):
    number = forms.CharField(label=_("Standard"), max_length=40, help_text=_("e.g. JIS B 8445"))
    fiscal_year = forms.TypedChoiceField(label=_("Move to fiscal year"), coerce=int)
    note = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, fiscal_year_label(y)) for y in years]


class CapacityForm(forms.Form):
    """What if the capacity were N: read from the query string, so it writes nothing. Left empty,
    the plan is shown as it stands."""

    capacity = forms.IntegerField(
        label=_("Standards a year"),
        required=False,
        min_value=1,
        max_value=MAX_PREVIEW_CAPACITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
