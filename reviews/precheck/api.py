"""The hand-over through the API: POST /api/assignments/{id}/hand-over/ {"to": "username"}."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.common.api import error_response
from reviews.precheck import services
from reviews.survey.models import Assignment


class HandOverSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="The colleague's username")
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )  # as the page's form


class HandOverResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    from_reviewer = serializers.CharField(source="from_reviewer.username")
    to_reviewer = serializers.CharField(source="to_reviewer.username")
    state = serializers.CharField(source="transition.to_state")
    at = serializers.DateTimeField()


class HandOverView(APIView):
    """The assignment's reviewer gives it to a colleague of the same organisation. 400 with the
    field named when refused (someone outside the organisation, an accepted or withdrawn
    assignment); 404 for an assignment that is not the caller's."""

    permission_classes = [permissions.IsAuthenticated]
    enqueue = None  # the outbox's doorbell, handed over by the URLconf

    @extend_schema(request=HandOverSerializer, responses={201: HandOverResultSerializer})
    def post(self, request, pk: int):
        data = request.data  # a body that is not JSON is refused (400) before anything is looked up
        assignment = get_object_or_404(Assignment, pk=pk, reviewer=request.user)
        body = HandOverSerializer(data=data)
        body.is_valid(raise_exception=True)
        to = get_user_model().objects.filter(username=body.validated_data["to"]).first()
        try:
            hand_over = services.assignment_hand_over(
                assignment=assignment,
                to=to,
                comment=body.validated_data["comment"],
                by=request.user,
                enqueue=self.enqueue,
            )
        except ValidationError as refused:
            return error_response(refused)
        return Response(HandOverResultSerializer(hand_over).data, status=status.HTTP_201_CREATED)
