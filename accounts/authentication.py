"""The API's token check: django-rest-knox's, made strict about the token's form and kept to one
query per request — the token, its user and the user's roles."""

import re
from hmac import compare_digest

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from rest_framework import exceptions

# What knox issues (no prefix configured): 64 lowercase hex digits.
TOKEN_FORM = re.compile(rb"[0-9a-f]{64}")


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # Anything else is refused before the database sees it: knox would decode non-UTF-8 bytes
        # with an error (a 500) and hand a NUL to PostgreSQL (another).
        if not TOKEN_FORM.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        # knox's own check (each token with this key, its digest compared), on one query: a row per
        # token and role, the user's role names kept on the user as accounts.roles reads them
        token = token.decode()
        rows = (
            get_token_model()
            .objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(role_name=F("user__groups__name"))
            .order_by("pk")
        )
        tokens: dict = {}
        for row in rows:
            tokens.setdefault(row.pk, (row, set()))[1].add(row.role_name)
        digest = hash_token(token)
        for auth_token, names in tokens.values():
            if self._cleanup_token(auth_token):
                continue
            if compare_digest(digest, auth_token.digest):
                auth_token.user._role_names = frozenset(names - {None})
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _cleanup_token(self, auth_token) -> bool:
        """Whether the token has expired (and is deleted). knox also sweeps the user's other
        expired tokens here, a query on every request; accounts.api_tokens.api_token_create does
        that when a new token is issued instead."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """How the API schema documents the check above: knox's header, `Authorization: Token …`."""

    target_class = TokenAuthentication
