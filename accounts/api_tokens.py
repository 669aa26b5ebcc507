"""API tokens (django-rest-knox): one per client, stored hashed, expiring after REST_KNOX's
TOKEN_TTL. A user lists and revokes their own; a new password or deactivation revokes them all."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


def api_tokens(user):
    """The user's tokens that still work, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


@transaction.atomic
def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for one client, and its key (shown this once: only a hash is stored). The
    user's expired tokens go at the same time, so they do not pile up."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, user, digest: str) -> bool:
    """Revoke one of the user's own tokens; False when they have none by that digest."""
    deleted, _ = AuthToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


def api_tokens_revoke_all(*, user) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@receiver(post_save, sender=User, dispatch_uid="accounts.api_tokens.revoke_on_credentials")
def _revoke_when_credentials_change(sender, instance, created, **kwargs):
    """A token must not outlive the password it was obtained with, nor the account.

    set_password() keeps the new raw password in `_password` until save() has passed it to the
    validators' password_changed(); Django clears it before saving an upgraded hash at login, so
    only a real change (password forms, the admin, changepassword) counts here."""
    if created:
        return
    password_set = getattr(instance, "_password", None) is not None
    if password_set or not instance.is_active or not instance.has_usable_password():
        api_tokens_revoke_all(user=instance)
