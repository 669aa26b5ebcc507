"""The survey API: batches, assignments, responses and the workflow actions, thin over services;
and the catalog API with the survey filters composed in."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response as ApiResponse

from reviews.common import scope
from reviews.common.api import error_response
from reviews.survey import prefill, selectors, services
from reviews.survey.filters import AssignmentApiFilter, SurveyStandardFilter
from reviews.survey.models import Assignment, Batch
from reviews.survey.workflow import InvalidTransition, State
from standards.api import StandardViewSet


class BatchSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = (
            "id",
            "name",
            "fiscal_year",
            "reviewer",
            "due_on",
            "criteria",
            "created_at",
            "progress",
        )

    def get_progress(self, batch) -> dict[str, int]:
        return {state: getattr(batch, f"n_{state}", 0) for state in State.values}


# AssignmentSerializer.to_representation's states and date fields (a serializer's class attribute
# that is a field would be one of its fields).
_STATES = {str(value): value for value in State.values}
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


class AssignmentSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="standard.number")
    title_ja = serializers.CharField(source="standard.title_ja")
    reviewer = serializers.CharField(source="reviewer.username")
    questionnaire_version = serializers.IntegerField(source="questionnaire.version")

    class Meta:
        model = Assignment
        fields = (
            "id",
            "batch",
            "number",
            "title_ja",
            "reviewer",
            "fiscal_year",
            "state",
            "due_on",
            "submitted_at",
            "decided_at",
            "return_comment",
            "questionnaire_version",
        )

    def to_representation(self, assignment):
        """What the fields above give, written out: DRF's field-by-field walk costs more than the
        rest of a list request (tests/reviews/test_survey_api_representation.py holds the two
        equal). Dates and times go through the same DRF fields."""
        standard, date, datetime = assignment.standard, _DATE, _DATETIME
        state = assignment.state
        return {
            "id": int(assignment.pk),
            "batch": assignment.batch_id,
            "number": str(standard.number),
            "title_ja": str(standard.title_ja),
            "reviewer": str(assignment.reviewer.username),
            "fiscal_year": int(assignment.fiscal_year),
            "state": state if state in ("", None) else _STATES.get(str(state), state),
            "due_on": date.to_representation(assignment.due_on),
            "submitted_at": datetime.to_representation(assignment.submitted_at),
            "decided_at": datetime.to_representation(assignment.decided_at),
            "return_comment": str(assignment.return_comment),
            "questionnaire_version": int(assignment.questionnaire.version),
        }


# The columns the assignment list and detail show (AssignmentSerializer): the questionnaire's
# definition, the standard's other columns and its alignment are not read for them.
LISTED_COLUMNS = (
    "id",
    "batch_id",
    "standard_id",
    "reviewer_id",
    "questionnaire_id",
    "fiscal_year",
    "state",
    "due_on",
    "submitted_at",
    "decided_at",
    "return_comment",
    "standard__number",
    "standard__title_ja",
    "reviewer__username",
    "questionnaire__version",
)


class ResponseSerializer(serializers.Serializer):
    answers = serializers.DictField()
    version = serializers.IntegerField(min_value=0)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    answers = serializers.DictField(
        required=False, help_text="The saved answers, when someone saved since your version"
    )
    version = serializers.IntegerField(required=False, help_text="The saved version, likewise")


CONFLICT = OpenApiResponse(
    ConflictSerializer, description="Not allowed in the assignment's state, or a stale version."
)
INCOMPLETE = OpenApiResponse(description="The answers are incomplete: each question's messages.")


class BatchViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BatchSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ("fiscal_year",)
    ordering_fields = ("due_on", "fiscal_year", "name")

    def get_queryset(self):
        batches = selectors.visible_batches(self.request.user)
        return (
            selectors.batches_with_progress(batches, today=timezone.localdate())
            .select_related("reviewer")
            .order_by("id")
        )


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A reviewer sees only their own assignments (others are 404); coordinators see all."""

    serializer_class = AssignmentSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = AssignmentApiFilter
    ordering_fields = ("due_on", "standard__number", "state")
    ordering = ("due_on", "standard__number")

    def get_queryset(self):
        visible = selectors.visible_assignments(self.request.user)
        if self.action in ("list", "retrieve"):
            return visible.select_related("standard", "reviewer", "questionnaire").only(
                *LISTED_COLUMNS
            )
        if self.action == "response":
            return visible.select_related("standard__alignment", "questionnaire", "response")
        # the actions: the service reads the assignment again, locked, with what it needs
        return visible.select_related("questionnaire")

    def filter_queryset(self, queryset):
        """One assignment asked for without query parameters: the filters and the ordering have
        nothing to do (django-filter would still build and validate a form for it)."""
        if self.detail and not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        responses=inline_serializer(
            "ResponseOut",
            {
                "answers": serializers.DictField(),
                "version": serializers.IntegerField(),
                "questionnaire": serializers.DictField(),
                "state": serializers.CharField(),
                "computed": serializers.DictField(
                    help_text="question key → {value, evidence}: the answer the system computed "
                    "(e.g. international_revised from the international data)"
                ),
            },
        )
    )
    @action(detail=True, methods=["get"], url_path="response")
    def response(self, request, pk=None):
        assignment = self.get_object()
        return ApiResponse(_response_body(assignment))

    @response.mapping.put
    @extend_schema(request=ResponseSerializer, responses={200: ResponseSerializer, 409: CONFLICT})
    def save_response(self, request, pk=None):
        assignment = self.get_object()
        if not scope.can_answer(request.user, assignment):
            raise PermissionDenied("Only the assigned reviewer saves answers.")
        data = ResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = services.response_save_draft(
                assignment=assignment,
                answers=data.validated_data["answers"],
                based_on=data.validated_data["version"],
                by=request.user,
            )
        except services.StaleResponse as stale:
            body = {
                "detail": "The response changed since your version.",
                "answers": stale.response.answers,
                "version": stale.response.version,
            }
            return ApiResponse(body, status=status.HTTP_409_CONFLICT)
        except InvalidTransition as exc:
            return error_response(exc, code=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return error_response(exc)
        # what was just committed, as GET would read it now (no need to read it again)
        return ApiResponse(_response_body(saved.assignment, saved))

    @extend_schema(
        request=None, responses={200: AssignmentSerializer, 400: INCOMPLETE, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assignment = self.get_object()
        if not scope.can_answer(request.user, assignment):
            raise PermissionDenied("Only the assigned reviewer submits.")
        return self._act(lambda: services.assignment_submit(assignment=assignment, by=request.user))

    @extend_schema(request=CommentSerializer, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        assignment = self._decidable()
        comment = _comment(request)
        return self._act(
            lambda: services.assignment_accept(
                assignment=assignment, by=request.user, comment=comment
            )
        )

    @extend_schema(request=CommentSerializer, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        assignment = self._decidable()
        comment = _comment(request)
        return self._act(
            lambda: services.assignment_return(
                assignment=assignment, by=request.user, comment=comment
            )
        )

    def _decidable(self):
        assignment = self.get_object()
        if not scope.can_decide(self.request.user):
            raise PermissionDenied("Only coordinators accept or return.")
        return assignment

    def _act(self, run):
        try:
            assignment = run()
        except InvalidTransition as exc:
            return error_response(exc, code=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return error_response(exc)
        # the service's locked read, as committed, with the standard and reviewer it shows
        return ApiResponse(AssignmentSerializer(assignment).data)


def _comment(request) -> str:
    data = CommentSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["comment"]


def _response_body(assignment, response=None) -> dict:
    """The response of `assignment` (its own, unless the one just saved is given) with what the
    questionnaire is pre-filled with."""
    if response is None:
        response = getattr(assignment, "response", None)
    return {
        "answers": response.answers if response else {},
        "version": response.version if response else 0,
        "state": assignment.state,
        "questionnaire": {
            "code": assignment.questionnaire.code,
            "version": assignment.questionnaire.version,
        },
        # what the questionnaire is pre-filled with where the answer is not given, and why
        "computed": {
            key: {"value": found.value, "evidence": found.evidence}
            for key, found in prefill.prefills(assignment).items()
        },
    }


class SurveyCatalogViewSet(StandardViewSet):
    """The catalog API, filtering on survey results too (jisreview/urls.py mounts it at
    /api/standards/ in place of the catalog's own)."""

    filterset_class = SurveyStandardFilter
