"""The survey API: batches, assignments, responses and the workflow actions, thin over services;
and the catalog API with the survey filters composed in."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response as ApiResponse

from reviews.common import scope
from reviews.common.api import error_response
from reviews.survey import prefill, selectors, services
from reviews.survey.filters import SurveyStandardFilter
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
    filterset_fields = ("state", "fiscal_year", "batch")
    ordering_fields = ("due_on", "standard__number", "state")
    ordering = ("due_on", "standard__number")

    def get_queryset(self):
        return selectors.visible_assignments(self.request.user).select_related(
            "standard", "standard__alignment", "reviewer", "questionnaire"
        )

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
            services.response_save_draft(
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
        return ApiResponse(_response_body(Assignment.objects.get(pk=assignment.pk)))

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
        assignment = get_object_or_404(self.get_queryset(), pk=assignment.pk)
        return ApiResponse(AssignmentSerializer(assignment).data)


def _comment(request) -> str:
    data = CommentSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["comment"]


def _response_body(assignment) -> dict:
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
