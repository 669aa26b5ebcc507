"""The catalog API: thin adapters over selectors and services."""

import functools

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import permissions, renderers, serializers, viewsets
from rest_framework.response import Response

from accounts.roles import is_coordinator
from standards import exports, selectors, services
from standards.api_fields import STRICT_DATES
from standards.dates import action_date_problems
from standards.filters import ORDERING_FIELDS, StandardFilter
from standards.models import (
    Alignment,
    Degree,
    Division,
    InternationalCorrespondence,
    Ministry,
    Standard,
    StrategicField,
)
from standards.numbers import InvalidJisNumber, parse_jis_number


class CatalogPermission(permissions.IsAuthenticated):
    """Everyone signed in reads; coordinators and administrators write."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or is_coordinator(request.user)


class MinistryCodeField(serializers.PrimaryKeyRelatedField):
    """A ministry by its code. Only a known code is looked up: PostgreSQL refuses a string with a
    NUL in it, so an arbitrary one must not reach the query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data not in dict(selectors.ministry_choices()):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class MinistrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Ministry
        fields = ("code", "name_ja", "name_en")


class CorrespondenceSerializer(serializers.ModelSerializer):
    degree = serializers.ChoiceField(choices=Degree.choices, allow_blank=True, required=False)

    class Meta:
        model = InternationalCorrespondence
        fields = ("designation", "degree")


class NewerEditionSerializer(serializers.Serializer):
    reference = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)


class StandardSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_DATES
    division_name = serializers.CharField(source="get_division_display", read_only=True)
    alignment = serializers.SerializerMethodField(
        help_text="aligned, revised, withdrawn or unknown against the international data; null "
        "without a corresponding international standard"
    )
    newer_edition = serializers.SerializerMethodField(
        help_text="The newer international edition when the alignment is revised"
    )
    ministries = MinistrySerializer(many=True, read_only=True)
    ministry_codes = MinistryCodeField(
        source="ministries",
        queryset=Ministry.objects.all(),
        many=True,
        write_only=True,
        required=False,
    )
    drafting_body = serializers.StringRelatedField(read_only=True)
    correspondences = CorrespondenceSerializer(many=True, required=False)
    strategic_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=StrategicField.choices), required=False
    )
    ics_codes = serializers.ListField(
        child=serializers.RegexField(r"^\d{2}(\.\d{3}(\.\d{2})?)?$"), required=False
    )

    class Meta:
        model = Standard
        fields = (
            "id",
            "number",
            "division",
            "division_name",
            "title_ja",
            "title_en",
            "status",
            "established_on",
            "revised_on",
            "confirmed_on",
            "review_due_on",
            "review_due_fy",
            "ministries",
            "ministry_codes",
            "drafting_body",
            "ics_codes",
            "correspondences",
            "fast_track",
            "strategic_fields",
            "is_generated",
            "alignment",
            "newer_edition",
            "updated_at",
        )
        read_only_fields = (
            "division",
            "review_due_on",
            "review_due_fy",
            "is_generated",
            "updated_at",
        )

    def to_representation(self, standard):
        """The declared fields (as in the schema) built directly: a page of 50 is read often, and
        the generic field-by-field path costs most of the request. A test compares the two."""
        alignment = _alignment(standard)
        body = standard.drafting_body
        return {
            "id": standard.id,
            "number": standard.number,
            "division": standard.division,
            "division_name": choice_label(Division, standard.division),
            "title_ja": standard.title_ja,
            "title_en": standard.title_en,
            "status": standard.status,
            "established_on": _iso_date(standard.established_on),
            "revised_on": _iso_date(standard.revised_on),
            "confirmed_on": _iso_date(standard.confirmed_on),
            "review_due_on": _iso_date(standard.review_due_on),
            "review_due_fy": standard.review_due_fy,
            "ministries": [
                {"code": m.code, "name_ja": m.name_ja, "name_en": m.name_en}
                for m in _related_list(standard, "ministry_list", "ministries")
            ],
            "drafting_body": None if body is None else str(body),
            "ics_codes": _listed(standard.ics_codes),
            "correspondences": [
                {"designation": c.designation, "degree": c.degree}
                for c in _related_list(standard, "correspondence_list", "correspondences")
            ],
            "fast_track": standard.fast_track,
            "strategic_fields": _listed(standard.strategic_fields),
            "is_generated": standard.is_generated,
            "alignment": alignment.status if alignment else None,
            "newer_edition": _newer_edition(alignment),
            "updated_at": _TIMESTAMP.to_representation(standard.updated_at),
        }

    @extend_schema_field(
        serializers.ChoiceField(choices=Alignment.choices, allow_null=True, read_only=True)
    )
    def get_alignment(self, standard) -> str | None:
        found = _alignment(standard)
        return found.status if found else None

    @extend_schema_field(NewerEditionSerializer(allow_null=True, read_only=True))
    def get_newer_edition(self, standard) -> dict | None:
        return _newer_edition(_alignment(standard))

    def validate_number(self, value):
        try:
            number = parse_jis_number(value).canonical
        except InvalidJisNumber as exc:
            raise serializers.ValidationError(str(exc)) from None
        others = Standard.objects.filter(number=number)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                _("%(number)s is already in the catalog.") % {"number": number}
            )
        return number

    def validate(self, attrs):
        dates = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("established_on", "revised_on", "confirmed_on")
        }
        problems = action_date_problems(**dates, today=timezone.localdate())
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    def create(self, validated_data):
        return self._save(Standard(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, standard, validated_data):
        correspondences = validated_data.pop("correspondences", None)
        ministries = validated_data.pop("ministries", None)
        for name, value in validated_data.items():
            setattr(standard, name, value)
        user = self.context["request"].user
        return services.standard_save(
            standard=standard,
            by=user,
            ministries=ministries,
            correspondences=correspondences,
            reason="API",
        )


def _newer_edition(alignment) -> dict | None:
    if not alignment or not alignment.newer_reference:
        return None
    published = alignment.newer_published_on
    return {
        "reference": alignment.newer_reference,
        "published_on": published.isoformat() if published else None,
    }


def _related_list(standard, listed: str, name: str):
    """The related objects as standard_read_queryset() lists them, or through the manager."""
    found = getattr(standard, listed, None)
    return getattr(standard, name).all() if found is None else found


def _listed(value):
    return None if value is None else list(value)


def _iso_date(value):
    return None if value is None else value.isoformat()


_TIMESTAMP = serializers.DateTimeField()


@functools.cache
def _choice_labels(choices, language: str | None) -> dict:
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


def choice_label(choices, value):
    """What get_FOO_display() gives for a field with these choices (a TextChoices class), in the
    active language, from a table made once per language (get_FOO_display translates every
    choice on each call)."""
    return _choice_labels(choices, get_language()).get(value, value)


def _alignment(standard):
    """The stored alignment, or None (no correspondence, or a standard just created)."""
    try:
        return standard.alignment
    except ObjectDoesNotExist:
        return None


class CSVRenderer(renderers.BaseRenderer):
    """Only announces CSV: the list view streams the file itself (see ExportableListMixin)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("exports are streamed by the view")


class XLSXRenderer(CSVRenderer):
    media_type = exports.XLSX_MIME
    format = "xlsx"
    charset = None


EXPORT_FORMATS = ("csv", "xlsx")


def export_schema(summary: str, serializer) -> dict:
    """Schema of a list that also exports: JSON pages, or the whole filtered list as CSV or XLSX."""
    return extend_schema(
        summary=summary,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", *EXPORT_FORMATS],
                description="csv or xlsx: the whole filtered list as a file (not paged)",
            )
        ],
        responses={
            (200, "application/json"): serializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="UTF-8 with BOM"),
            (200, exports.XLSX_MIME): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )


class ExportableListMixin:
    """`?format=csv|xlsx` (or an Accept header) streams the whole filtered list instead of a page.

    The view supplies `export_name` and `export_table(queryset) -> (header, rows)`.
    """

    export_name = "export"

    def get_renderers(self):
        found = super().get_renderers()
        if self.action == "list":
            found += [CSVRenderer(), XLSXRenderer()]
        return found

    def list(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        header, rows = self.export_table(self.filter_queryset(self.get_queryset()))
        filename = f"{self.export_name}-{selectors.today():%Y%m%d}.{fmt}"
        if fmt == "csv":
            return exports.csv_response(filename, header, rows)
        return exports.xlsx_response(filename, self.export_name, header, rows)

    def finalize_response(self, request, response, *args, **kwargs):
        # errors (400, 401, 403) are answered in JSON even when a file was asked for
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(response, Response) and isinstance(renderer, CSVRenderer):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema_view(
    list=export_schema("List, search and export standards", StandardSerializer),
    retrieve=extend_schema(summary="One standard"),
)
class StandardViewSet(ExportableListMixin, viewsets.ModelViewSet):
    serializer_class = StandardSerializer
    permission_classes = [CatalogPermission]
    ordering_fields = ORDERING_FIELDS
    ordering = ("division", "number")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    export_name = "standards"
    # another app composes its filters in with a subclass (mounted by standards.api_urls.catalog_router)
    filterset_class = StandardFilter

    def get_queryset(self):
        if self.request.method in permissions.SAFE_METHODS:
            return selectors.standard_read_queryset()
        return selectors.standard_detail_queryset()

    def export_table(self, queryset):
        return exports.catalog_table(queryset)
