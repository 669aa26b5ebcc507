"""The plan API: read-only, for coordinators and ministry systems."""

from rest_framework import permissions, serializers, viewsets

from accounts.roles import Role, has_role, is_coordinator
from reviews import selectors
from reviews.filters import PlanEntryFilter
from reviews.models import PlanEntry


class CanReadPlan(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and (
            is_coordinator(request.user) or has_role(request.user, Role.MINISTRY_VIEWER)
        )


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
