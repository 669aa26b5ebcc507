"""Invitations: recorded in the outbox with nothing secret in the row, sent in the person's
language with a link made at sending; the link sets a first password once, for
JISREVIEW_INVITATION_DAYS, then signs the person in; a reused, expired, tampered, superseded or
deactivated link says why and changes nothing."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from reviews.models import Invitation, Reminder
from reviews.people import services
from reviews.reminders.services import reminder_send
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-first-password-42"
LINK = re.compile(r"https?://[^/\s]+(/reviews/invitation/[^/\s]+/)")


@pytest.fixture
def newcomer(django_user_model):
    """Someone the roster has just created: no usable password, never signed in."""
    user = django_user_model.objects.create_user(
        username="hanako", email="hanako.sato@example.or.jp", first_name="Hanako"
    )
    user.groups.add(*_groups(Role.REVIEWER))
    return user


def _groups(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def invite(*users, by=None) -> list[Invitation]:
    return services.invitations_send(users=list(users), by=by, enqueue=None)


def send_all() -> list[str]:
    ids = Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("pk", flat=True)
    return [reminder_send(reminder_id=pk) for pk in sorted(ids)]


def link_in(message) -> str:
    (path,) = set(LINK.findall(message.body))
    return path


def accept(client, link: str, password: str = PASSWORD):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_an_invitation_is_recorded_in_the_outbox_and_sent_once(newcomer, coordinator):
    [invitation] = invite(newcomer, by=coordinator)

    row = Reminder.objects.get()
    assert (row.kind, row.recipient, row.status) == ("invitation", newcomer.email, "pending")
    assert invitation.reminder == row and invitation.invited_by == coordinator
    assert send_all() == ["sent"]
    assert reminder_send(reminder_id=row.pk) == "not pending"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [newcomer.email]


def test_the_outbox_row_holds_nothing_secret(newcomer):
    invite(newcomer)
    send_all()
    token = link_in(mail.outbox[0]).split("/")[-2]
    stored = json.dumps(list(Reminder.objects.values()), default=str) + json.dumps(
        list(Invitation.objects.values()), default=str
    )
    assert token not in stored and token.split(":")[-1] not in stored


def test_recorded_in_one_transaction_and_enqueued_after_commit(
    newcomer, coordinator, django_capture_on_commit_callbacks
):
    rung = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.invitations_send(users=[newcomer], by=coordinator, enqueue=rung.extend)
        assert rung == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert rung == [Reminder.objects.get().pk]


@pytest.mark.japanese
def test_japanese_by_default(newcomer):
    invite(newcomer)
    send_all()
    message = mail.outbox[0]
    assert "パスワードの設定" in message.subject and "14日間有効" in message.body
    assert "hanako" in message.body


def test_english_for_a_person_whose_language_is_english(newcomer):
    newcomer.language = "en"  # the roster's language column
    newcomer.save()
    invite(newcomer)
    send_all()
    message = mail.outbox[0]
    assert message.subject == "JIS review: your account — set your password"
    assert "works once, for 14 days" in message.body
    assert "パスワード" not in message.body


def test_only_people_who_never_signed_in_are_invited(newcomer, reviewer, outsider):
    reviewer.last_login = timezone.now()
    reviewer.save()
    outsider.is_active = False
    outsider.save()

    invitations = invite(newcomer, reviewer, outsider)

    assert [i.user for i in invitations] == [newcomer]
    assert Reminder.objects.count() == 1


def test_someone_without_an_address_gets_a_row_with_nothing_to_send(newcomer):
    newcomer.email = ""
    newcomer.save()
    invite(newcomer)
    row = Reminder.objects.get()
    assert row.status == "cancelled" and "no e-mail address" in row.last_error
    assert send_all() == [] and mail.outbox == []


def test_the_link_sets_a_password_signs_in_and_lands_on_my_assignments(client, newcomer):
    in_english(client)
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])

    form = client.get(link)
    assert form.status_code == 200 and b"Set your password" in form.content

    response = accept(client, link)
    assert (response.status_code, response["Location"]) == (302, "/reviews/assignments/")
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD) and newcomer.last_login is not None
    assert Invitation.objects.get().accepted_at is not None
    assert client.get("/reviews/assignments/").status_code == 200


def test_a_weak_password_is_refused_and_the_link_still_works(client, newcomer):
    in_english(client)
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])

    response = accept(client, link, password="hanako")
    assert response.status_code == 400 and b"errorlist" in response.content
    assert Invitation.objects.get().accepted_at is None
    assert accept(client, link).status_code == 302


def _refused(response, reason: str) -> bool:
    return response.status_code == 400 and f"link-problem-{reason}".encode() in response.content


def test_a_used_link_is_refused_and_changes_nothing(client, newcomer):
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])
    accept(client, link)

    stranger = in_english(Client())
    assert _refused(stranger.get(link), "used")
    response = accept(stranger, link, password="another-password-99")
    assert _refused(response, "used") and b"Nothing was changed" in response.content
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("days_later", "setting", "works"),
    [(13, None, True), (15, None, False), (2, 3, True), (4, 3, False)],
)
def test_the_link_expires_after_the_configured_days(
    client, newcomer, time_machine, settings, days_later, setting, works
):
    if setting:
        settings.INVITATION_DAYS = setting
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])

    time_machine.move_to(dt.datetime(2026, 12, 1 + days_later, 9, 0, tzinfo=dt.UTC), tick=False)
    response = accept(client, link)

    newcomer.refresh_from_db()
    if works:
        assert response.status_code == 302 and newcomer.check_password(PASSWORD)
    else:
        assert _refused(response, "expired") and not newcomer.has_usable_password()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: str(int(t.split(".")[0]) + 1) + t[t.index(".") :],  # another invitation's id
        lambda t: t.split(":")[0],  # cut short
        lambda t: "garbage",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, newcomer, spoil):
    invite(newcomer)
    invite(newcomer)  # a second invitation, whose id the tampering may name
    send_all()
    token = link_in(mail.outbox[-1]).split("/")[-2]
    link = f"/reviews/invitation/{spoil(token)}/"

    assert _refused(client.get(link), "invalid")
    assert _refused(accept(client, link), "invalid")
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


def test_a_resent_invitation_replaces_the_older_link(client, newcomer):
    invite(newcomer)
    send_all()
    invite(newcomer)
    send_all()
    first, second = (link_in(m) for m in mail.outbox)

    assert _refused(accept(client, first), "superseded")
    assert accept(client, second).status_code == 302


def test_a_deactivated_persons_link_is_refused_and_their_pending_mail_not_sent(
    client, newcomer, coordinator
):
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])
    invite(newcomer)  # recorded, not sent yet
    services.person_deactivate(user=newcomer, by=coordinator)

    assert _refused(accept(client, link), "deactivated")
    assert send_all() == ["nothing left"] and len(mail.outbox) == 1
    assert not get_user_model().objects.get(pk=newcomer.pk).has_usable_password()


def test_a_coordinator_is_asked_to_set_up_two_factor_first(client, django_user_model, settings):
    settings.REQUIRE_2FA = True
    boss = django_user_model.objects.create_user(username="boss", email="boss@example.go.jp")
    boss.groups.add(*_groups(Role.COORDINATOR))
    invite(boss)
    send_all()

    response = accept(client, link_in(mail.outbox[0]))
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith(
        "/accounts/two-factor/setup/"
    )


def test_the_reminder_log_shows_an_invitation_and_offers_a_failed_one_again(
    client, newcomer, coordinator, settings
):
    invite(newcomer)
    settings.EMAIL_BACKEND = "tests.reviews.test_invitations.RefusingBackend"
    while send_all() != ["failed"]:  # retried until the attempts run out
        Reminder.objects.update(next_attempt_at=None)
    client.force_login(coordinator)
    page = in_english(client).get("/reviews/reminders/?status=failed")
    cell = page.content.decode().split("Invitation to set a password")[1].split("</td>")[0]
    assert "numbers" not in cell  # no list of standard numbers ("?") for an invitation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = Reminder.objects.get()
    client.post(f"/reviews/reminders/{row.pk}/resend/")
    assert send_all() == ["sent"] and link_in(mail.outbox[0])


class RefusingBackend:
    """An SMTP server that refuses every message, for a while."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("nobody listens")


def test_the_link_stops_working_once_the_person_has_signed_in_otherwise(client, newcomer):
    """Someone given a password by hand who signs in with it: their invitation's link is spent
    (it sets a first password, and they have one), and says so."""
    newcomer.set_password("given-by-hand-77")
    newcomer.save()
    invite(newcomer)
    send_all()
    link = link_in(mail.outbox[0])
    signed_in = Client().post(
        "/accounts/login/", {"username": "hanako", "password": "given-by-hand-77"}
    )
    assert signed_in.status_code == 302

    assert _refused(accept(client, link), "used")
    newcomer.refresh_from_db()
    assert newcomer.check_password("given-by-hand-77")


@pytest.mark.parametrize(("language", "cookie"), [("en", "en"), ("", None)])
def test_the_persons_language_becomes_the_sites_once_signed_in(client, newcomer, language, cookie):
    newcomer.language = language
    newcomer.save()
    invite(newcomer)
    send_all()
    accept(client, link_in(mail.outbox[0]))
    found = client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert (found.value if found else None) == cookie


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_pressing_at_once_set_the_password_once(newcomer):
    """given the invitation's row locked by a first acceptance, when a second one (a second tab)
    comes with the same link, then it waits, and once the first has committed it changes nothing
    and says the link is used."""
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection, connections

    invite(newcomer)
    send_all()
    token = link_in(mail.outbox[0]).split("/")[-2]
    invitation = Invitation.objects.get()
    table = Invitation._meta.db_table
    holder = connections.create_connection("default")
    done, outcome = threading.Event(), {}

    def second():
        try:
            services.invitation_accept(token=token, password="second-password-88")
            outcome["second"] = "set"
        except ValidationError as exc:
            outcome["second"] = exc.code
        finally:
            connection.close()
            done.set()

    try:
        with holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [invitation.pk])
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(timeout=1.0)  # blocked behind the first acceptance
        with holder.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET accepted_at = now() WHERE id = %s", [invitation.pk])
            cursor.execute("COMMIT")
        thread.join(timeout=30)
    finally:
        holder.close()
    assert outcome == {"second": "used"}
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()
