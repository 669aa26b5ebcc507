"""The follow-ups API: list, read, add and change follow-up actions, thin over the services."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response as ApiResponse

from reviews.common.api import CanQuerySurvey, error_response
from reviews.follow_ups import selectors, services
from reviews.follow_ups.filters import FollowUpFilter
from reviews.follow_ups.models import FollowUp
from standards.api import MinistryCodeField
from standards.api_fields import JapaneseDateField
from standards.models import Ministry, Standard


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up as read, and the fields a PATCH may change."""

    number = serializers.CharField(source="standard.number", read_only=True)
    ministry = MinistryCodeField(
        queryset=Ministry.objects.all(), help_text="Owner ministry code, e.g. METI or MLIT."
    )
    due_on = JapaneseDateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=FollowUp.Status.choices, required=False)
    overdue = serializers.SerializerMethodField()
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = FollowUp
        fields = (
            "id",
            "standard",
            "number",
            "action",
            "ministry",
            "due_on",
            "status",
            "note",
            "overdue",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("standard",)

    def get_overdue(self, follow_up) -> bool:
        return follow_up.is_overdue(timezone.localdate())


class FollowUpCreateSerializer(serializers.Serializer):
    standard = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.prefetch_related("ministries"), help_text="Standard id."
    )
    action = serializers.CharField(max_length=300)
    ministry = MinistryCodeField(
        queryset=Ministry.objects.all(), help_text="Owner ministry code, e.g. METI or MLIT."
    )
    due_on = JapaneseDateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-up actions on priority standards. Coordinators see and edit all; a ministry viewer sees
    those its ministry owns or on standards in its remit, and edits its own on standards in its remit.
    Filter by status, ministry, standard and overdue; order by due_on, status or updated_at."""

    serializer_class = FollowUpSerializer
    permission_classes = [CanQuerySurvey]
    filterset_class = FollowUpFilter
    ordering_fields = ("due_on", "status", "created_at", "updated_at", "standard__number")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_follow_ups(self.request.user).select_related(
            "standard", "ministry", "created_by"
        )

    @extend_schema(request=FollowUpCreateSerializer, responses={201: FollowUpSerializer})
    def create(self, request, *args, **kwargs):
        data = FollowUpCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            follow_up = services.follow_up_create(**data.validated_data, by=request.user)
        except ValidationError as exc:
            return error_response(exc)
        return self._show(follow_up, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        follow_up = self.get_object()
        data = FollowUpSerializer(follow_up, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            follow_up = services.follow_up_update(
                follow_up=follow_up, by=request.user, **data.validated_data
            )
        except ValidationError as exc:
            return error_response(exc)
        return self._show(follow_up, status.HTTP_200_OK)

    def _show(self, follow_up, code: int) -> ApiResponse:
        follow_up = self.get_queryset().get(pk=follow_up.pk)
        return ApiResponse(self.get_serializer(follow_up).data, status=code)
