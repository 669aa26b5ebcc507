"""Forms of the pre-check pages and of a hand-over. Each page's chooser starts empty: an untouched
form shows the year being checked and everything in it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.precheck import selectors
from reviews.precheck.models import Verdict
from standards.bodies import body_key
from standards.dates import fiscal_year_label


def _year_choices(programme, default_year: int) -> list:
    """The programme's years as their readers name them (令和9年度, FY2027), the blank choice
    being the year under check."""
    return [("", _("%(year)s (being checked)") % {"year": fiscal_year_label(default_year)})] + [
        (y, fiscal_year_label(y)) for y in programme.fiscal_years
    ]


class DraftingBodyField(forms.ModelChoiceField):
    """A catalog body typed by name, however it is spelt: （一社）日本電機工業会 and
    一般社団法人　日本電機工業会 are the same body, as in the catalog import and the roster."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            key = body_key(str(value))
            body = next((b for b in self.queryset if body_key(b.name) == key), None)
            if key and body is not None:
                return body
            raise


class ListChooser(forms.Form):
    """Which year, which organisation's list and which rows (GET)."""

    class Show:
        choices = [
            ("", _("All")),
            ("pending", _("Not answered yet")),
            ("confirmed", _("Confirmed")),
            ("not_ours", _("Not ours")),
        ]

    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    show = forms.ChoiceField(label=_("Show"), choices=Show.choices, required=False)

    def __init__(self, *args, programme, organisations, default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].choices = _year_choices(programme, default_year)
        self.fields["organisation"].choices = [("", _("All of mine"))] + [
            (selectors.organisation_key(o), selectors.organisation_name(o)) for o in organisations
        ]

    def chosen_year(self) -> int:
        return (self.is_valid() and self.cleaned_data.get("year")) or self.default_year

    def chosen_organisation(self):
        if not self.is_valid():
            return None
        return selectors.organisation_from_key(self.cleaned_data.get("organisation", ""))

    def chosen_show(self) -> str:
        return self.cleaned_data.get("show", "") if self.is_valid() else ""


class OverviewChooser(forms.Form):
    """The coordinators' overview: which year, which marks (GET)."""

    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    marks = forms.ChoiceField(
        label=_("Marks"),
        required=False,
        choices=[("", _("All")), ("open", _("To resolve")), ("resolved", _("Resolved"))],
    )

    def __init__(self, *args, programme, default_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].choices = _year_choices(programme, default_year)

    def chosen_year(self) -> int:
        return (self.is_valid() and self.cleaned_data.get("year")) or self.default_year

    def chosen_marks(self) -> str:
        return self.cleaned_data.get("marks", "") if self.is_valid() else ""


class AnswerForm(forms.Form):
    """One row's 確認 or 担当外 (POST)."""

    standard = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.CharField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=Verdict.choices)
    right_body = DraftingBodyField(
        label=_("The right drafting body, if you know it"),
        queryset=selectors.drafting_bodies(),
        to_field_name="name",
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a drafting body of the catalog: choose one from the list, "
                "or leave it empty and say who in the comment."
            )
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_organisation(self):
        organisation = selectors.organisation_from_key(self.cleaned_data["organisation"])
        if organisation is None:
            raise forms.ValidationError(_("Unknown organisation."))
        return organisation


class ResolveForm(forms.Form):
    """A coordinator resolves one "not ours" (POST): re-route to a pool, or keep."""

    to = forms.ChoiceField(label=_("Re-route to"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("— choose an organisation —")), *targets]

    def clean_to(self):
        key = self.cleaned_data.get("to", "")
        return selectors.organisation_from_key(key) if key else None


class HandOverForm(forms.Form):
    """Give an assignment to a colleague of one's own organisation."""

    to = forms.ModelChoiceField(
        label=_("Colleague"), queryset=None, empty_label=_("— choose a colleague —")
    )
    comment = forms.CharField(
        label=_("Note for your colleague"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = selectors.colleagues(user)
        self.fields["to"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )
