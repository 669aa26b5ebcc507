"""The plan API: read-only, for coordinators and ministry systems."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, views, viewsets
from rest_framework.response import Response as ApiResponse

from accounts.roles import is_coordinator
from reviews import permissions as scope
from reviews import reports, selectors
from reviews.filters import PlanEntryFilter
from reviews.models import PlanEntry


class CanReadPlan(permissions.IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and scope.can_read_plan(request.user)


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


class ProgressView(views.APIView):
    """Survey progress by fiscal year, lead ministry and division. Ministry viewers see their ministry."""

    permission_classes = [CanReadPlan]

    @extend_schema(
        parameters=[
            OpenApiParameter("ministry", str, description="Ministry code (coordinators only)")
        ],
        responses=inline_serializer(
            "ProgressReport",
            {
                "fiscal_year": serializers.ListField(child=serializers.DictField()),
                "ministry": serializers.ListField(child=serializers.DictField()),
                "division": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        programme = selectors.current_programme()
        if programme is None:
            return ApiResponse({name: [] for name in reports.DIMENSIONS})
        ministry = (
            request.query_params.get("ministry")
            if is_coordinator(request.user)
            else request.user.ministry_id
        )
        return ApiResponse(reports.progress(programme=programme, ministry=ministry or None))
