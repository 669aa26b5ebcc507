"""The API's sign-in and sign-out: a username and password buy a new expiring token per call;
signing out revokes the token it is called with."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_tokens import api_token_create
from accounts.authentication import TokenAuthentication
from accounts.lockout import lockout_response


class ObtainTokenView(APIView):
    """POST username and password (JSON or a form), receive {"token": …, "expiry": …} for the
    Authorization: Token header. Each call issues a new token; the others stay valid."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            ),
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many wrong passwords for this user name from this address",
            ),
        },
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            credentials.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes marks the request it was given when this attempt is (or hits) a lock-out
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request, None)
            raise
        user = credentials.validated_data["user"]
        token, key = api_token_create(user=user)
        # a sign-in like the login page's: django-axes clears the failures, last_login is set
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        expiry = serializers.DateTimeField().to_representation(token.expiry)
        return Response({"token": key, "expiry": expiry})


class LogoutView(KnoxLogoutView):
    """POST with the token to revoke it (204); the user's other tokens stay valid."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)
