"""The people screen: everyone with their state, last login and open work, filters that start
empty, exports, resending an invitation, and deactivating someone (with a confirmation; their open
work goes back to routing, history kept)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from reviews.models import Assignment, Invitation, Reminder, RoutingRule
from reviews.people import services
from reviews.survey import services as survey_services
from tests.conftest import in_english
from tests.reviews.data import COMPLETE
from tests.untouched_forms import untouched_query

pytestmark = pytest.mark.django_db
PEOPLE = "/reviews/people/"


def _person(django_user_model, username, role=Role.REVIEWER, **extra):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.jp", **extra
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def crowd(django_user_model, coordinator, reviewer, outsider):
    """One person in each state: invited, active (signed in), never logged in, deactivated."""
    invited = _person(django_user_model, "invited", drafting_body=None)
    services.invitations_send(users=[invited], by=coordinator, enqueue=None)
    reviewer.last_login = timezone.now()
    reviewer.save()
    never = _person(django_user_model, "never", role=Role.MINISTRY_VIEWER, ministry_id="MLIT")
    reviewer.organisation = "一般社団法人日本ロボット工業会"  # the roster's 所属
    reviewer.save()
    gone = _person(django_user_model, "gone")
    gone.is_active = False
    gone.save()
    return {"invited": invited, "active": reviewer, "never": never, "gone": gone}


def rows(response) -> dict[str, str]:
    """username → the row's state class, as shown."""
    html = response.content.decode()
    found = {}
    for person in response.context["page"]:
        assert f"person-{person.state}" in html
        found[person.username] = person.state
    return found


def test_everyone_is_shown_with_their_state(client, coordinator, crowd):
    client.force_login(coordinator)
    shown = rows(in_english(client).get(PEOPLE))
    assert {name: shown[name] for name in ("invited", "rev", "never", "gone")} == {
        "invited": "invited",
        "rev": "active",
        "never": "never_logged_in",
        "gone": "deactivated",
    }


def test_a_user_name_that_is_the_address_is_shown_once(client, django_user_model, coordinator):
    """The roster makes the e-mail address the user name: the row names it once, not twice."""
    roster_made = django_user_model.objects.create_user(
        username="hanako.sato@example.or.jp",
        email="Hanako.Sato@example.or.jp",
        first_name="花子",
        last_name="佐藤",
    )
    roster_made.groups.add(Group.objects.get(name=Role.REVIEWER))
    _person(django_user_model, "taro")  # a user name of its own: both are shown
    client.force_login(coordinator)
    html = client.get(PEOPLE).content.decode()
    assert html.count("hanako.sato@example.or.jp") + html.count("Hanako.Sato@example.or.jp") == 1
    assert "taro · taro@example.jp" in html


def test_only_coordinators_see_people(client, reviewer, ministry_viewer):
    for user in (reviewer, ministry_viewer):
        client.force_login(user)
        assert client.get(PEOPLE).status_code == 403
        assert client.get(PEOPLE + "export.csv").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=invited", {"invited"}),
        ("state=deactivated", {"gone"}),
        ("state=never_logged_in", {"never", "outsider"}),
        ("role=ministry_viewer", {"never"}),
        ("organisation=国土交通", {"never"}),  # the ministry's name
        ("organisation=ロボット工業", {"rev"}),  # the roster's organisation
        ("organisation=MLIT&role=reviewer", set()),
    ],
)
def test_filters(client, coordinator, crowd, query, expected):
    client.force_login(coordinator)
    shown = set(rows(client.get(f"{PEOPLE}?{query}")))
    assert shown - {"coord"} == expected


def test_an_untouched_filter_form_shows_everyone(client, coordinator, crowd):
    client.force_login(coordinator)
    page = client.get(PEOPLE)
    again = client.get(f"{PEOPLE}?{untouched_query(page.content)}")
    assert rows(again) == rows(page) and len(rows(page)) == 6


def test_open_assignments_are_counted(client, coordinator, reviewer, other_reviewer, batches):
    mine, _theirs = batches
    first = mine.assignments.order_by("pk").first()
    survey_services.response_submit(assignment=first, answers=COMPLETE, based_on=0, by=reviewer)
    client.force_login(coordinator)
    people = {p.username: p for p in client.get(PEOPLE).context["page"]}
    assert (people["rev"].open_assignments, people["rev2"].open_assignments) == (3, 4)


def test_the_list_costs_the_same_queries_for_more_people(
    client, coordinator, crowd, django_user_model, django_assert_num_queries
):
    client.force_login(coordinator)
    client.get(PEOPLE)  # the session cached

    def count() -> int:
        # session user, their roles; the count, the page (states, invitations and open work as
        # subqueries, ministry and drafting body joined), the page's groups
        with django_assert_num_queries(5):
            return len(client.get(PEOPLE).context["page"])

    assert count() == 6
    for i in range(10):
        _person(django_user_model, f"more{i}")
    assert count() == 16


def test_export_csv_lists_the_filtered_people(client, coordinator, crowd):
    client.force_login(in_english(client) and coordinator)
    response = client.get(PEOPLE + "export.csv?state=invited")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:2] == ["User name", "Name"] and "Open assignments" in lines[0]
    assert [line[0] for line in lines[1:]] == ["invited"]
    assert lines[1][lines[0].index("State")] == "Invited"


def test_export_xlsx(client, coordinator, crowd):
    client.force_login(coordinator)
    response = client.get(PEOPLE + "export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- resend an invitation ---------------------------------------------------------------------


def test_resend_records_a_new_invitation(client, coordinator, crowd):
    client.force_login(coordinator)
    response = client.post(f"{PEOPLE}{crowd['invited'].pk}/invite/", {"query": "state=invited"})
    assert response["Location"] == f"{PEOPLE}?state=invited"
    assert Invitation.objects.filter(user=crowd["invited"]).count() == 2
    assert Reminder.objects.filter(kind="invitation", recipient="invited@example.jp").count() == 2


@pytest.mark.parametrize("who", ["active", "gone"])
def test_no_invitation_for_someone_who_signed_in_or_is_deactivated(client, coordinator, crowd, who):
    client.force_login(coordinator)
    in_english(client)
    response = client.post(f"{PEOPLE}{crowd[who].pk}/invite/", follow=True)
    assert b"cannot be invited" in response.content
    assert not Invitation.objects.filter(user=crowd[who]).exists()


# --- deactivate ---------------------------------------------------------------------------------


@pytest.fixture
def helper(django_user_model):
    return _person(django_user_model, "helper")


@pytest.fixture
def routed(batches, reviewer, helper):
    """The METI batch is the reviewer's; METI's routing rule names the reviewer and a helper."""
    rule = RoutingRule.objects.create(kind="ministry", value="METI")
    rule.reviewers.add(reviewer, helper)
    return batches[0]


def test_the_confirmation_says_how_much_work_goes_back(client, coordinator, reviewer, routed):
    client.force_login(coordinator)
    in_english(client)
    page = client.get(f"{PEOPLE}{reviewer.pk}/deactivate/")
    assert page.status_code == 200
    assert b"4 assignments still waiting for their answer go back to routing" in page.content
    reviewer.refresh_from_db()
    assert reviewer.is_active  # looking changes nothing


def test_deactivating_moves_a_whole_untouched_batch_to_the_routed_reviewer(
    client, coordinator, reviewer, helper, routed
):
    client.force_login(coordinator)
    response = client.post(f"{PEOPLE}{reviewer.pk}/deactivate/")
    assert response.status_code == 302
    routed.refresh_from_db()
    assert routed.reviewer == helper
    assert set(routed.assignments.values_list("reviewer", flat=True)) == {helper.pk}
    reviewer.refresh_from_db()
    assert not reviewer.is_active


def test_answered_work_stays_and_history_is_kept(coordinator, reviewer, helper, routed):
    answered = routed.assignments.order_by("pk").first()
    survey_services.response_submit(assignment=answered, answers=COMPLETE, based_on=0, by=reviewer)

    outcome = services.person_deactivate(user=reviewer, by=coordinator)

    assert outcome.n_reassigned == 3 and outcome.unrouted == []
    owners = dict(routed.assignments.values_list("pk", "reviewer"))
    assert owners.pop(answered.pk) == reviewer.pk
    assert set(owners.values()) == {helper.pk}
    routed.refresh_from_db()
    assert routed.reviewer == reviewer  # the batch keeps who answered part of it
    moved = Assignment.history.filter(id__in=owners, reviewer=helper)
    assert moved.count() == 3 and {h.history_user for h in moved} == {coordinator}
    assert {h.history_change_reason for h in moved} == {"reassigned to helper"}


def test_work_no_rule_covers_stays_and_is_reported(coordinator, other_reviewer, batches):
    _mine, theirs = batches  # no routing rule for MLIT
    outcome = services.person_deactivate(user=other_reviewer, by=coordinator)
    assert outcome.n_reassigned == 0 and len(outcome.unrouted) == 4
    assert set(theirs.assignments.values_list("reviewer", flat=True)) == {other_reviewer.pk}


def test_work_goes_to_the_least_loaded_active_reviewer(
    coordinator, reviewer, other_reviewer, helper, batches
):
    rule = RoutingRule.objects.create(kind="ministry", value="METI")
    rule.reviewers.add(reviewer, other_reviewer, helper)  # other_reviewer has 4 open already
    services.person_deactivate(user=reviewer, by=coordinator)
    assert set(batches[0].assignments.values_list("reviewer", flat=True)) == {helper.pk}


def test_deactivation_ends_sessions_and_revokes_api_tokens(
    coordinator, reviewer, token_client, routed
):
    browser = Client()
    browser.force_login(reviewer)
    api = token_client(reviewer)
    assert browser.get("/reviews/assignments/").status_code == 200
    assert api.get("/api/standards/").status_code == 200

    services.person_deactivate(user=reviewer, by=coordinator)

    assert browser.get("/reviews/assignments/").status_code == 302
    assert api.get("/api/standards/").status_code == 401


def test_nobody_deactivates_themselves(client, coordinator):
    with pytest.raises(ValidationError):
        services.person_deactivate(user=coordinator, by=coordinator)
    client.force_login(coordinator)
    client.post(f"{PEOPLE}{coordinator.pk}/deactivate/")
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_deactivating_twice_changes_nothing(coordinator, reviewer, routed):
    services.person_deactivate(user=reviewer, by=coordinator)
    assert services.person_deactivate(user=reviewer, by=coordinator).n_reassigned == 0


def test_the_coordinator_is_told_which_work_no_rule_covers(
    client, coordinator, other_reviewer, batches
):
    client.force_login(coordinator)
    in_english(client)
    page = client.post(f"{PEOPLE}{other_reviewer.pk}/deactivate/", follow=True)
    text = page.content.decode()
    assert "rev2 is deactivated" in text and "went back to routing" not in text
    assert "No routing rule with an active reviewer covers 4 assignment(s)" in text
    assert "JIS C 6004" in text


def test_rerouting_follows_the_precheck_reroutes_of_the_year(
    coordinator, reviewer, helper, routed, django_user_model
):
    """given a standard of the reviewer's batch that the pre-check re-routed to the MLIT pool,
    when the reviewer is deactivated, then that standard goes to the MLIT pool's reviewer and the
    rest to the METI pool's, as batching would route them now."""
    from reviews.precheck.models import Reroute

    pool = _person(django_user_model, "pool")
    RoutingRule.objects.create(kind="ministry", value="MLIT").reviewers.add(pool)
    moved = routed.assignments.order_by("pk").first()
    Reroute.objects.create(
        programme=routed.programme,
        fiscal_year=routed.fiscal_year,
        standard=moved.standard,
        from_kind="ministry",
        from_value="METI",
        to_kind="ministry",
        to_value="MLIT",
        by=coordinator,
    )

    services.person_deactivate(user=reviewer, by=coordinator)

    owners = dict(routed.assignments.values_list("pk", "reviewer"))
    assert owners.pop(moved.pk) == pool.pk
    assert set(owners.values()) == {helper.pk}


# --- who may touch whom ---------------------------------------------------------------------------


@pytest.fixture
def coordinator2(django_user_model):
    return _person(django_user_model, "coord2", role=Role.COORDINATOR)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", email="root@example.jp")


@pytest.mark.parametrize("target", ["coordinator2", "admin"])
def test_a_coordinator_who_is_not_an_admin_leaves_admins_and_coordinators_alone(
    client, coordinator, request, target
):
    person = request.getfixturevalue(target)
    with pytest.raises(ValidationError):
        services.person_deactivate(user=person, by=coordinator)
    client.force_login(coordinator)
    in_english(client)
    page = client.get(f"{PEOPLE}{person.pk}/deactivate/")
    assert b"Only an administrator may deactivate" in page.content
    assert b'class="primary danger"' not in page.content
    client.post(f"{PEOPLE}{person.pk}/deactivate/")
    invited = client.post(f"{PEOPLE}{person.pk}/invite/", follow=True)
    assert b"Only an administrator may invite or deactivate" in invited.content
    person.refresh_from_db()
    assert person.is_active and not Invitation.objects.filter(user=person).exists()
    listed = {p.username: p for p in client.get(PEOPLE).context["page"]}
    assert not listed[person.username].may_manage
    assert f"/reviews/people/{person.pk}/".encode() not in client.get(PEOPLE).content


def test_an_admin_may_deactivate_and_invite_a_coordinator(client, admin, coordinator2):
    client.force_login(admin)
    client.post(f"{PEOPLE}{coordinator2.pk}/invite/")
    assert Invitation.objects.filter(user=coordinator2).count() == 1
    client.post(f"{PEOPLE}{coordinator2.pk}/deactivate/")
    coordinator2.refresh_from_db()
    assert not coordinator2.is_active
