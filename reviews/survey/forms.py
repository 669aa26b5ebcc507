"""Survey forms: a questionnaire version as a form, cutting batches, reassigning."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.common.i18n import pick
from reviews.survey import questionnaire, widgets
from reviews.survey.selectors import reviewers
from standards.dates import fiscal_year_label
from standards.forms import EraDateField
from standards.models import Division
from standards.selectors import ministry_choices


class AnswerForm(forms.Form):
    """A questionnaire version as a form. Every field is optional here: what is required, and when,
    is decided by reviews.survey.questionnaire against the version, so a draft can be saved half-done."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, definition: dict, *args, language: str | None = None, **kwargs):
        """Labels in `language`, by default the active one (Japanese where a text has no English)."""
        super().__init__(*args, **kwargs)
        self.definition = definition
        for question in definition["questions"]:
            field = self._field(question, language)
            field.widget.attrs.update(self._condition_attrs(question))
            self.fields[question["key"]] = field

    def _field(self, question: dict, language: str | None) -> forms.Field:
        common = {
            "required": False,
            "label": pick(question["label"], language) + (" *" if question.get("required") else ""),
            "help_text": pick(question.get("help", {}), language),
        }
        kind = question["type"]
        choices = [(c["value"], pick(c["label"], language)) for c in question.get("choices", [])]
        if kind == "single":
            return forms.ChoiceField(choices=choices, widget=widgets.RadioSelect, **common)
        if kind == "multiple":
            return forms.MultipleChoiceField(
                choices=choices, widget=widgets.CheckboxSelectMultiple, **common
            )
        if kind == "yes_no":
            return forms.ChoiceField(
                choices=[("true", _("Yes")), ("false", _("No"))],
                widget=widgets.RadioSelect,
                **common,
            )
        if kind == "scale":
            low, high = question.get("min", 1), question.get("max", 5)
            return forms.TypedChoiceField(
                choices=[(n, n) for n in range(low, high + 1)],
                coerce=int,
                widget=widgets.RadioSelect(attrs={"class": "scale"}),
                **common,
            )
        if kind == "number":
            return forms.DecimalField(
                min_value=question.get("min"), max_value=question.get("max"), **common
            )
        if kind == "date":
            # the browser's date picker sends ISO; typed or API-style text is read as the catalog
            # reads dates (2026-04-01, 2026/4/1, 令和8年4月1日), never as ISO week or basic forms
            return EraDateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if kind == "long_text":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common
            )
        return forms.CharField(max_length=200, **common)

    @staticmethod
    def _condition_attrs(question: dict) -> dict:
        when = question.get("when")
        if not when:
            return {}
        values = ["true" if v is True else "false" if v is False else str(v) for v in when["in"]]
        return {"data-when-key": when["key"], "data-when-in": " ".join(values)}

    def clean(self):
        """A question not shown, given the other answers, has no answer: what is left in it counts
        neither as a value nor as an error (a number typed before the question was hidden)."""
        cleaned = super().clean()
        shown = questionnaire.shown_answers(self.definition, self.answers())
        for question in self.definition["questions"]:
            if not questionnaire.is_shown(question, shown):
                cleaned.pop(question["key"], None)
                self._errors.pop(question["key"], None)
        return cleaned

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = {}
        for key, value in answers.items():
            initial[key] = ("true" if value else "false") if isinstance(value, bool) else value
        return initial

    def answers(self) -> dict:
        """The cleaned values in the JSON types the questionnaire expects."""
        result = {}
        types = {q["key"]: q["type"] for q in self.definition["questions"]}
        for key, kind in types.items():
            value = self.cleaned_data.get(key)
            if value in (None, "", []):
                continue
            if kind == "yes_no":
                value = value == "true"
            elif kind == "number":
                value = int(value) if value == value.to_integral_value() else float(value)
            elif kind == "date":
                value = value.isoformat()
            result[key] = value
        return result


class BatchForm(forms.Form):
    """Cut a fiscal year's planned standards into batches."""

    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    ministry = forms.ChoiceField(label=_("Competent ministry"), required=False)
    division = forms.ChoiceField(label=_("Division"), required=False)
    drafting_body = forms.CharField(label=_("Drafting body"), required=False, max_length=200)
    # Not a limit on how many standards are taken: every matching one is, and this only decides
    # how many batches they make; people read 「最大件数」 as the former.
    max_size = forms.IntegerField(
        label=_("Standards per batch, at most"),
        min_value=1,
        max_value=2500,
        initial=50,
        help_text=_(
            "Every standard of the selection not yet in a batch is included; this number only "
            "decides how many batches they are cut into. You see the batches before any is made."
        ),
    )
    due_on = EraDateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        required=False,
        queryset=None,
        empty_label=_("By the routing rules"),
        help_text=_(
            "Leave empty to route by the routing rules: a standard goes to the rule of its "
            "drafting body, else of its division, else of its ministry, and each batch to the "
            "reviewer of that rule with the least open work."
        ),
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = list(programme.fiscal_years) if programme else []
        self.fields["fiscal_year"].choices = [(y, fiscal_year_label(y)) for y in years]
        self.fields["ministry"].choices = [("", _("Any")), *ministry_choices()]
        self.fields["division"].choices = [("", _("Any")), *Division.choices]
        # the browser's picker offers no past day; the service refuses one whatever is sent
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["reviewer"].queryset = reviewers()

    def selection(self) -> dict:
        data = self.cleaned_data
        return {
            "fiscal_year": data["fiscal_year"],
            "due_on": data["due_on"],
            "max_size": data["max_size"],
            "reviewer": data["reviewer"],
            "ministry": data["ministry"] or None,
            "division": data["division"] or None,
            "drafting_body": data["drafting_body"] or None,
        }

    def narrowed_by(self) -> list[tuple[str, str]]:
        """(label, chosen value in words) of each filter on the standards that was filled in."""
        data, shown = self.cleaned_data, []
        for name in ("ministry", "division", "drafting_body"):
            if data.get(name):
                choices = dict(getattr(self.fields[name], "choices", ()))
                shown.append(
                    (str(self.fields[name].label), str(choices.get(data[name], data[name])))
                )
        return shown


class ReviewerField(forms.ModelChoiceField):
    """A reviewer by id. A refusal quotes what was sent, cut short and made printable."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            text = str(value).encode("utf-8", "replace").decode("utf-8")
            shown = text if len(text) <= 20 else text[:20] + "…"
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": shown},
            ) from None


class ReassignForm(forms.Form):
    """Give an assignment, or a whole batch, to another reviewer."""

    reviewer = ReviewerField(
        label=_("Reassign to"),
        queryset=None,
        error_messages={
            "invalid_choice": _("Choose a reviewer from the list; 「%(value)s」 is not one."),
            "required": _("Choose the reviewer to reassign to."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()
