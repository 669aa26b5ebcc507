"""The upload form (several files at once, a folder, or a ZIP) and the fix-it list's filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from standards.documents import supported_suffixes
from standards.selectors import ministry_choices
from standards.specifications.models import TO_FIX, SpecificationCitation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every file chosen, as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def accepted_suffixes() -> str:
    return ",".join([*supported_suffixes(), ".zip"])


class UploadForm(forms.Form):
    ministry = forms.ChoiceField(label=_("Ministry"))
    title = forms.CharField(
        label=_("Document title"),
        max_length=300,
        required=False,
        help_text=_("Kept with each document; by default the file's name."),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": accepted_suffixes()}),
    )
    folder = MultipleFileField(
        label=_("Or a folder"),
        required=False,
        widget=MultipleFileInput(attrs={"webkitdirectory": True}),
    )

    def __init__(self, *args, ministries, own_ministry: str | None = None, **kwargs):
        """`ministries`: those the user may upload for (read once, for the choices and the
        check)."""
        super().__init__(*args, **kwargs)
        self.ministries = {ministry.pk: ministry for ministry in ministries}
        self.fields["ministry"].choices = [(m.pk, m.name) for m in self.ministries.values()]
        self.fields["ministry"].initial = own_ministry

    def clean_ministry(self):
        return self.ministries[self.cleaned_data["ministry"]]

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("files") or data.get("folder")):
            raise forms.ValidationError(_("Choose at least one file or a folder."))
        return data

    def uploads(self) -> list:
        return [*self.cleaned_data.get("files", []), *self.cleaned_data.get("folder", [])]


class FixItFilter(django_filters.FilterSet):
    """Every filter starts empty: an untouched form lists every citation to fix."""

    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in TO_FIX],
        label=_("Status"),
        empty_label=_("Any"),
    )
    ministry = django_filters.ChoiceFilter(
        field_name="document__ministry_id",
        label=_("Ministry"),
        empty_label=_("Any"),
        choices=ministry_choices,
    )
    document = django_filters.NumberFilter(field_name="document_id", label=_("Document"))
    number = django_filters.CharFilter(
        field_name="number", lookup_expr="icontains", label=_("Number")
    )

    class Meta:
        model = SpecificationCitation
        fields = []
