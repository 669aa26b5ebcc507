"""The API's sign-in and sign-out: a username and password (and, for a user with two-factor
authentication, a current code) buy a new expiring token per call; signing out revokes the token
it is called with."""

from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import two_factor
from accounts.api_tokens import api_token_create
from accounts.authentication import TokenAuthentication
from accounts.lockout import lockout_response


class ObtainTokenView(APIView):
    """POST username and password (JSON or a form), receive {"token": …, "expiry": …} for the
    Authorization: Token header. Each call issues a new token; the others stay valid. A user with
    an authenticator app also sends `otp`, its current code (or a recovery code)."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
                "otp": serializers.CharField(
                    required=False,
                    help_text="For users with two-factor authentication: the six-digit code "
                    "the authenticator app shows now, or one of their recovery codes.",
                ),
            },
        ),
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            ),
            429: OpenApiResponse(
                inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description="Too many wrong passwords for this user name from this address, "
                "or too many wrong codes (wait Retry-After seconds)",
            ),
            403: OpenApiResponse(
                inline_serializer("TwoFactorNotSetUp", {"detail": serializers.CharField()}),
                description="The account must use two-factor authentication and has not set it "
                "up: do that on the site first",
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
        refused = _second_factor_refusal(user, request.data.get("otp"))
        if refused is not None:
            return refused
        token, key = api_token_create(user=user)
        # a sign-in like the login page's: django-axes clears the failures, last_login is set
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        expiry = serializers.DateTimeField().to_representation(token.expiry)
        return Response({"token": key, "expiry": expiry})


def _second_factor_refusal(user, otp) -> Response | None:
    """None when the user needs no second factor or `otp` is a good code; else the answer. Only
    a caller who knew the password gets here, so these answers reveal nothing more."""
    owed = two_factor.two_factor_owed(user)
    if not owed:
        return None
    if owed == two_factor.SET_UP:
        message = _(
            "This account must use two-factor authentication: set it up on the site (account "
            "page) before obtaining a token."
        )
        return Response({"detail": message}, status=403)
    if otp in (None, ""):
        message = _(
            "This account uses two-factor authentication: send the code the authenticator app "
            "shows now (or a recovery code) as otp."
        )
        raise ValidationError({"otp": [message]})
    if not isinstance(otp, str | int) or isinstance(otp, bool):
        raise ValidationError({"otp": [_('Must be the code as text, such as "123456".')]})
    result = two_factor.two_factor_verify(user=user, code=str(otp))
    if result.retry_after:
        message = _("Too many wrong codes. Wait %(seconds)d seconds, then try again.") % {
            "seconds": result.retry_after
        }
        return Response(
            {"detail": message}, status=429, headers={"Retry-After": str(result.retry_after)}
        )
    if result.device is None:
        raise ValidationError({"otp": [_("That code is not right, or has been used already.")]})
    return None


class LogoutView(KnoxLogoutView):
    """POST with the token to revoke it (204); the user's other tokens stay valid."""

    authentication_classes = (TokenAuthentication,)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request, format=None):
        return super().post(request, format)
