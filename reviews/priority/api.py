"""/api/priorities/: the ministry screen's list for ministry systems, with the reasons in words."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from reviews.common.api import CachedCountPagination, CanQuerySurvey
from reviews.priority import rule, selectors
from reviews.priority.filters import PriorityStandardFilter
from reviews.survey.exports import related, survey_table
from reviews.survey.models import Usability
from standards.alignment.rule import newer_edition_text
from standards.api import ExportableListMixin, choice_label, export_schema
from standards.models import Standard


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=rule.REASONS)
    label = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    usability = serializers.ChoiceField(choices=Usability.choices)
    usability_label = serializers.CharField(source="get_usability_display")
    cited_in_procurement = serializers.BooleanField(allow_null=True)
    recommended_action = serializers.CharField()
    accepted_at = serializers.DateTimeField()


class PriorityStandardSerializer(serializers.ModelSerializer):
    ministries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_priority = serializers.BooleanField(read_only=True)
    reasons = serializers.SerializerMethodField()
    survey_fiscal_year = serializers.IntegerField(source="survey_fy", allow_null=True)
    outcome = serializers.SerializerMethodField()
    open_follow_ups = serializers.IntegerField()

    class Meta:
        model = Standard
        fields = (
            "id",
            "number",
            "title_ja",
            "title_en",
            "division",
            "status",
            "ministries",
            "review_due_on",
            "review_due_fy",
            "fast_track",
            "strategic_fields",
            "is_priority",
            "reasons",
            "survey_fiscal_year",
            "outcome",
            "open_follow_ups",
        )
        read_only_fields = fields

    def to_representation(self, standard):
        """The same fields as declared (and as in the schema), built directly: a page of 50 is
        read by ministry systems often, and the generic field-by-field path costs most of it."""
        verdict = related(standard, "priority")
        return {
            "id": standard.id,
            "number": standard.number,
            "title_ja": standard.title_ja,
            "title_en": standard.title_en,
            "division": standard.division,
            "status": standard.status,
            "ministries": [m.code for m in standard.ministry_list],
            "review_due_on": _DATE.to_representation(standard.review_due_on)
            if standard.review_due_on
            else None,
            "review_due_fy": standard.review_due_fy,
            "fast_track": standard.fast_track,
            "strategic_fields": list(standard.strategic_fields or ()),
            "is_priority": bool(verdict and verdict.is_priority),
            "reasons": self.get_reasons(standard),
            "survey_fiscal_year": standard.survey_fy,
            "outcome": self.get_outcome(standard),
            "open_follow_ups": standard.open_follow_ups,
        }

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, standard):
        verdict = related(standard, "priority")
        codes = verdict.reasons if verdict else []
        alignment = related(standard, "alignment")
        newer = (
            newer_edition_text(alignment.newer_reference, alignment.newer_published_on)
            if alignment
            else ""
        )
        return [
            {"code": code, "label": label}
            for code, label in zip(
                codes,
                rule.reasons_in_words(
                    codes,
                    cited_documents=verdict.cited_documents if verdict else 0,
                    newer_edition=newer,
                ),
                strict=True,
            )
        ]

    @extend_schema_field(OutcomeSerializer(allow_null=True))
    def get_outcome(self, standard):
        found = related(standard, "outcome")
        if found is None:
            return None
        return {
            "usability": found.usability,
            "usability_label": choice_label(Usability, found.usability),
            "cited_in_procurement": found.cited_in_procurement,
            "recommended_action": found.recommended_action,
            "accepted_at": _TIMESTAMP.to_representation(found.accepted_at),
        }


_TIMESTAMP = serializers.DateTimeField()
_DATE = serializers.DateField()


@extend_schema_view(
    list=export_schema(
        "Priority standards in the caller's remit (every ministry for coordinators), with reasons",
        PriorityStandardSerializer,
    ),
    retrieve=extend_schema(summary="One standard's priority verdict and survey outcome"),
)
class PriorityStandardViewSet(ExportableListMixin, viewsets.ReadOnlyModelViewSet):
    """Filters as on /api/standards/, plus `exclude_due_soon=1`; `priority=false` lists the standards
    that are not priorities. Ranked strongest first (`ordering=-strength`), then by number."""

    serializer_class = PriorityStandardSerializer
    permission_classes = [CanQuerySurvey]
    pagination_class = CachedCountPagination
    filterset_class = PriorityStandardFilter
    ordering_fields = selectors.ORDERING
    ordering = selectors.RANKED
    export_name = "priority-standards"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Standard.objects.none()
        # the ministries' codes as a plain list (`ministry_list`), read without a manager and a
        # queryset per standard
        return (
            selectors.survey_standards(self.request.user)
            .prefetch_related(None)
            .prefetch_related(Prefetch("ministries", to_attr="ministry_list"))
        )

    def export_table(self, queryset):
        return survey_table(queryset)
