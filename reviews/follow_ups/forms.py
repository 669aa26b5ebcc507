"""Forms for follow-up actions: a new one (the follow-ups page and the panel), a status change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.follow_ups.models import FollowUp
from standards.forms import EraDateField
from standards.models import Ministry, Standard
from standards.numbers import InvalidJisNumber, parse_jis_number
from standards.selectors import ministry_choices


class FollowUpForm(forms.Form):
    """A new follow-up. The standard is given by its JIS number, as people write it."""

    standard = forms.CharField(label=_("Standard"), max_length=40, help_text=_("e.g. JIS B 8445"))
    action = forms.CharField(label=_("Follow-up action"), max_length=300)
    ministry = forms.ChoiceField(
        label=_("Owner ministry"),
        error_messages={
            "invalid_choice": _("「%(value)s」 is not a ministry you may choose here.")
        },
    )
    due_on = EraDateField(label=_("Due"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ministry: str | None = None, **kwargs):
        """`ministry`: the only owner a ministry viewer may choose; None offers every ministry."""
        super().__init__(*args, **kwargs)
        self.fields["ministry"].choices = [
            (code, name) for code, name in ministry_choices() if ministry in (None, code)
        ]

    def clean_ministry(self) -> Ministry:
        return Ministry.objects.get(pk=self.cleaned_data["ministry"])

    def clean_standard(self) -> Standard:
        text = self.cleaned_data["standard"]
        try:
            number = parse_jis_number(text).canonical
        except InvalidJisNumber as exc:
            raise forms.ValidationError(str(exc)) from None
        standard = Standard.objects.filter(number=number).prefetch_related("ministries").first()
        if standard is None:
            raise forms.ValidationError(
                _("「%(number)s」 is not in the catalog.") % {"number": number}
            )
        return standard


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)
