"""/api/plan/: where each active standard is surveyed, for coordinators and ministry systems."""

from rest_framework import serializers, viewsets

from reviews.common.api import CanReadPlan
from reviews.plan import selectors
from reviews.plan.filters import PlanEntryFilter
from reviews.plan.models import PlanEntry


class PlanEntrySerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="standard.number")
    title_ja = serializers.CharField(source="standard.title_ja")
    division = serializers.CharField(source="standard.division")
    review_due_on = serializers.DateField(source="standard.review_due_on", allow_null=True)
    standard_id = serializers.IntegerField()
    lead_ministry = serializers.CharField(source="ministry_id", allow_null=True)

    class Meta:
        model = PlanEntry
        fields = (
            "id",
            "standard_id",
            "number",
            "title_ja",
            "division",
            "review_due_on",
            "fiscal_year",
            "reason",
            "locked",
            "lead_ministry",
            "note",
        )


class PlanEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Where each active standard is surveyed: filter by fiscal_year, ministry, lead_ministry, division."""

    serializer_class = PlanEntrySerializer
    permission_classes = [CanReadPlan]
    filterset_class = PlanEntryFilter
    ordering_fields = ("fiscal_year", "standard__number")
    ordering = ("fiscal_year", "standard__number")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return PlanEntry.objects.none()
        programme = selectors.current_programme()
        if programme is None:
            return PlanEntry.objects.none()
        return PlanEntry.objects.filter(programme=programme).select_related("standard")
