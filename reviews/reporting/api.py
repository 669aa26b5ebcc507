"""The survey report API: progress, burn-down and answers, read-only, for coordinators and ministry
systems."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, views
from rest_framework.exceptions import NotFound
from rest_framework.response import Response as ApiResponse

from reviews.common import scope
from reviews.common.api import CanQuerySurvey
from reviews.plan.selectors import current_programme
from reviews.reporting import selectors as reports
from standards import selectors as catalog_selectors


class ProgressCountsSerializer(serializers.Serializer):
    planned = serializers.IntegerField(help_text="Standards planned for the survey")
    assigned = serializers.IntegerField(help_text="Assignments not started yet")
    in_progress = serializers.IntegerField(help_text="Assignments with a draft saved")
    submitted = serializers.IntegerField(help_text="Submitted, waiting for the coordinator")
    returned = serializers.IntegerField(help_text="Returned to the reviewer")
    accepted = serializers.IntegerField(help_text="Accepted by the coordinator")
    withdrawn = serializers.IntegerField(help_text="Withdrawn (the standard was withdrawn)")
    overdue = serializers.IntegerField(help_text="Still owed by the reviewer, past the due date")


class ProgressByYearSerializer(ProgressCountsSerializer):
    fiscal_year = serializers.IntegerField()


class ProgressByMinistrySerializer(ProgressCountsSerializer):
    ministry = serializers.CharField(allow_null=True, help_text="Lead ministry code")


class ProgressByDivisionSerializer(ProgressCountsSerializer):
    division = serializers.CharField(allow_null=True, help_text="Division letter")


class ProgressReportSerializer(serializers.Serializer):
    fiscal_year = ProgressByYearSerializer(many=True)
    ministry = ProgressByMinistrySerializer(many=True)
    division = ProgressByDivisionSerializer(many=True)


class BurndownPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    ideal = serializers.FloatField(help_text="Standards that would remain on the ideal line")
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Planned minus accepted by that day; null after today"
    )
    submitted = serializers.IntegerField(
        allow_null=True, help_text="Standards submitted at least once by that day"
    )
    accepted = serializers.IntegerField(allow_null=True)


class BurndownMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month")
    submitted = serializers.IntegerField(allow_null=True, help_text="First submissions that month")
    accepted = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField(
        allow_null=True, help_text="At the month's end (or today); null for months to come"
    )


class BurndownSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    planned = serializers.IntegerField()
    start = serializers.DateField(help_text="1 April: the start of the fiscal year")
    due = serializers.DateField(help_text="Last due date, else 31 March: the ideal line ends here")
    end = serializers.DateField()
    today = serializers.DateField()
    step_days = serializers.IntegerField(help_text="1 (daily) or 7 (weekly) points")
    points = BurndownPointSerializer(many=True)
    months = BurndownMonthSerializer(many=True)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "boolean"}]})
class ChoiceValueField(serializers.JSONField):
    """A choice's value as the answers store it: a string, or true/false for yes/no questions."""


class AnswerOptionSerializer(serializers.Serializer):
    value = ChoiceValueField(help_text="The choice's value, or true/false for yes/no")
    label = serializers.CharField()
    count = serializers.IntegerField()


class AnswerQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    type = serializers.CharField(help_text='"single" or "yes_no"')
    label = serializers.CharField()
    answered = serializers.IntegerField(help_text="Accepted responses that answered it")
    options = AnswerOptionSerializer(many=True)


class QuestionnaireRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()


class AnswerDistributionSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    questionnaire = QuestionnaireRefSerializer(allow_null=True)
    responses = serializers.IntegerField(help_text="Accepted responses counted")
    questions = AnswerQuestionSerializer(many=True)


MINISTRY_PARAMETER = OpenApiParameter(
    "ministry", str, description="Ministry code (coordinators only; others see their ministry)"
)


NO_PROGRAMME = OpenApiResponse(description="No review programme has been planned yet.")


def _year_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("fiscal_year", int, description=description)


class ReportView(views.APIView):
    """The report endpoints' common ground: who may ask, and which ministry and year they get.

    Every report counts only the standards whose survey data the caller may read (the reports are
    given the user); `ministry` narrows that, and is fixed to a viewer's own."""

    permission_classes = [CanQuerySurvey]

    def ministry(self, request) -> str | None:
        own = scope.survey_ministry(request.user)
        if own is not None:
            return own
        given = request.query_params.get("ministry") or None
        # checked against the known codes before it reaches a query (PostgreSQL refuses a NUL)
        if given is not None and given not in dict(catalog_selectors.ministry_choices()):
            raise serializers.ValidationError(
                {
                    "ministry": [
                        _("「%(value)s」 is not a ministry you may choose here.") % {"value": given}
                    ]
                }
            )
        return given

    def fiscal_year(self, request, programme) -> int | None:
        given = request.query_params.get("fiscal_year")
        if given in (None, ""):
            return None
        # isdigit() alone admits "²", which int() refuses
        if not (given.isascii() and given.isdigit()) or int(given) not in programme.fiscal_years:
            raise serializers.ValidationError(
                {"fiscal_year": [_("%(year)s is not a year of this programme.") % {"year": given}]}
            )
        return int(given)

    def year_report(self, request, build, serializer):
        programme = current_programme()
        if programme is None:
            raise NotFound(_("No review programme has been planned yet."))
        today = catalog_selectors.today()
        year = self.fiscal_year(request, programme) or reports.default_fiscal_year(programme, today)
        report = build(
            programme=programme,
            fiscal_year=year,
            ministry=self.ministry(request),
            user=request.user,
        )
        return ApiResponse(serializer(report).data)


class ProgressView(ReportView):
    """Survey progress by fiscal year, lead ministry and division. Ministry viewers see their ministry."""

    @extend_schema(
        parameters=[
            MINISTRY_PARAMETER,
            _year_parameter("Count only this year in the ministry and division rows"),
        ],
        responses=ProgressReportSerializer,
    )
    def get(self, request):
        programme = current_programme()
        if programme is None:
            return ApiResponse({name: [] for name in reports.DIMENSIONS})
        report = reports.progress(
            programme=programme,
            ministry=self.ministry(request),
            fiscal_year=self.fiscal_year(request, programme),
            user=request.user,
        )
        return ApiResponse(ProgressReportSerializer(report).data)


class BurndownView(ReportView):
    """One survey year against its plan: planned, remaining and submitted standards day by day (or
    week by week), the ideal line, and month-by-month figures."""

    @extend_schema(
        parameters=[MINISTRY_PARAMETER, _year_parameter("Survey year (default: the current one)")],
        responses={200: BurndownSerializer, 404: NO_PROGRAMME},
    )
    def get(self, request):
        return self.year_report(request, reports.burndown, BurndownSerializer)


class AnswerDistributionView(ReportView):
    """How the accepted responses of a survey year answered each single-choice and yes/no question.
    Labels follow Accept-Language (Japanese or English)."""

    @extend_schema(
        parameters=[MINISTRY_PARAMETER, _year_parameter("Survey year (default: the current one)")],
        responses={200: AnswerDistributionSerializer, 404: NO_PROGRAMME},
    )
    def get(self, request):
        return self.year_report(request, reports.answer_distribution, AnswerDistributionSerializer)
