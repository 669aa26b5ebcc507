"""/api/plan/: where each active standard is surveyed, and /api/plan/summary/: the backlog against
the capacity; for coordinators and ministry systems."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from reviews.common import figures
from reviews.common.api import CanReadPlan
from reviews.plan import selectors
from reviews.plan.filters import PlanEntryFilter
from reviews.plan.forms import MAX_PREVIEW_CAPACITY
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


class SummaryQuerySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PREVIEW_CAPACITY)


class SummaryYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    planned = serializers.IntegerField(help_text="Standards surveyed that year")
    due = serializers.IntegerField(
        help_text="Standards due that year (the overdue and undated ones in the first year)"
    )
    late = serializers.IntegerField(help_text="Standards surveyed that year, after their due year")


class SummaryLateYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    late = serializers.IntegerField()


class SummaryMinistrySerializer(serializers.Serializer):
    ministry = serializers.CharField(
        allow_null=True, help_text="Lead ministry code; null: no competent ministry"
    )
    name = serializers.CharField()
    planned = serializers.IntegerField()
    late = serializers.IntegerField()
    late_by_year = SummaryLateYearSerializer(many=True)


class SummaryYearsLateSerializer(serializers.Serializer):
    years = serializers.IntegerField(help_text="Years after the due year")
    standards = serializers.IntegerField()


class PlanSummarySerializer(serializers.Serializer):
    start_fy = serializers.IntegerField()
    years = serializers.IntegerField()
    capacity = serializers.IntegerField(
        help_text="The yearly capacity looked at: ?capacity=, else the programme's"
    )
    tolerance_percent = serializers.IntegerField()
    limit = serializers.IntegerField(help_text="The most a year may hold: capacity + tolerance")
    preview = serializers.BooleanField(
        help_text="true: the plan the planner would make at ?capacity= (nothing is saved); "
        "false: the plan as it stands"
    )
    min_on_time_capacity = serializers.IntegerField(
        allow_null=True,
        help_text="The smallest yearly capacity that surveys every standard on time (fast-track "
        "in the first year, locked years kept); null when no open year is left",
    )
    min_on_time_limit = serializers.IntegerField(allow_null=True)
    late_at_any_capacity = serializers.IntegerField(
        help_text="Standards late whatever the capacity: on-time years locked, or moved by hand late"
    )
    not_in_plan = serializers.IntegerField(help_text="Active standards in no fiscal year yet")
    due_by_first_year = serializers.IntegerField(
        help_text="Standards due by the first year, the overdue ones included"
    )
    late = serializers.IntegerField(help_text="Standards surveyed after their due year")
    per_year = SummaryYearSerializer(many=True)
    by_ministry = SummaryMinistrySerializer(many=True)
    years_late = SummaryYearsLateSerializer(many=True)


NO_PROGRAMME = OpenApiResponse(description="No review programme has been planned yet.")


def _summary_body(programme, backlog) -> dict:
    lateness, on_time = backlog.lateness, backlog.on_time
    return {
        "start_fy": programme.start_fy,
        "years": programme.years,
        "capacity": backlog.capacity,
        "tolerance_percent": programme.tolerance_percent,
        "limit": backlog.limit,
        "preview": backlog.preview,
        "min_on_time_capacity": on_time.capacity if on_time else None,
        "min_on_time_limit": on_time.limit if on_time else None,
        "late_at_any_capacity": backlog.late_at_any_capacity,
        "not_in_plan": backlog.not_planned,
        "due_by_first_year": backlog.due_first_year,
        "late": lateness.late,
        "per_year": lateness.years,
        "by_ministry": [
            {
                "ministry": row.ministry or None,
                "name": backlog.ministry_names.get(row.ministry, row.ministry)
                if row.ministry
                else str(selectors.NO_MINISTRY),
                "planned": row.planned,
                "late": row.late,
                "late_by_year": [
                    {"fiscal_year": year, "late": n} for year, n in sorted(row.late_by_year.items())
                ],
            }
            for row in lateness.by_ministry
        ],
        "years_late": [
            {"years": years, "standards": n} for years, n in lateness.years_late.items()
        ],
    }


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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "capacity",
                int,
                description="Preview the plan at this many standards a year (writes nothing)",
            )
        ],
        filters=False,
        responses={200: PlanSummarySerializer, 404: NO_PROGRAMME},
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def summary(self, request):
        """The backlog against the capacity: per year planned, due and surveyed late; late per lead
        ministry and by years late; and the smallest yearly capacity that is on time."""
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        programme, locks = selectors.current_programme_with_locks()
        if programme is None:
            raise NotFound(_("No review programme has been planned yet."))
        today, capacity = timezone.localdate(), query.validated_data.get("capacity")

        def body() -> dict | str:
            backlog = selectors.plan_backlog(programme, today=today, capacity=capacity, locks=locks)
            if backlog.lateness is None:  # no plan fits at that capacity: the numbers say why
                return str(backlog.problem)
            return PlanSummarySerializer(_summary_body(programme, backlog)).data

        # the backlog's arithmetic, kept until a write to the plan or the catalog commits; under
        # every watched table, the programme read above (its capacity and years) among them
        parts = (programme.pk, capacity, today, get_language())
        found = figures.cached("plan-summary", parts, body, figures.TABLES)
        if isinstance(found, str):
            raise serializers.ValidationError({"capacity": [found]})
        return Response(found)
