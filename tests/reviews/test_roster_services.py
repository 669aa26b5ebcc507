"""The roster import: people, roles and routing rules from one file, all or nothing; dry runs;
people missing from a later roster; who may grant the coordinator role; the coverage it leaves."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import Role
from reviews.people.models import Invitation
from reviews.plan.models import Programme
from reviews.roster import services
from reviews.roster.selectors import coverage
from reviews.survey import services as survey_services
from reviews.survey.models import Assignment, RoutingRule
from standards.catalog_files import CatalogFileError
from tests.reviews.data import FORM
from tests.reviews.roster_data import (
    ELECTRICAL,
    JA,
    ROBOTS,
    STANDARDS_BODY,
    TODAY,
    catalog,
    csv_bytes,
    row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def roster_import(data, by=None, **options):
    return services.roster_import(rows_or_file=data, by=by, today=TODAY, **options)


def members(kind, value) -> set[str]:
    rule = RoutingRule.objects.filter(kind=kind, value=value).first()
    return set(rule.reviewers.values_list("email", flat=True)) if rule else set()


def role_of(email) -> set[str]:
    return set(User.objects.get(email=email).groups.values_list("name", flat=True))


@pytest.fixture
def programme():
    return catalog()


def test_creates_people_roles_and_routing(programme):
    result = roster_import(
        csv_bytes(
            row("robo@example.jp", bodies=f"{ROBOTS}、{ELECTRICAL}", org="ロボット工業会"),
            row("pool@example.jp", ministry="経済産業大臣", divisions="B C", language="en"),
            row("viewer@example.jp", role="府省閲覧者", ministry="MLIT"),
        )
    )
    assert result.written and [p.email for p in result.created] == [
        "robo@example.jp",
        "pool@example.jp",
        "viewer@example.jp",
    ]
    robo = User.objects.get(email="robo@example.jp")
    assert (robo.username, robo.organisation, robo.drafting_body.name) == (
        "robo@example.jp",
        "ロボット工業会",
        ROBOTS,
    )
    assert not robo.has_usable_password()
    assert role_of("robo@example.jp") == {Role.REVIEWER}
    assert role_of("viewer@example.jp") == {Role.MINISTRY_VIEWER}
    assert User.objects.get(email="viewer@example.jp").ministry_id == "MLIT"
    assert User.objects.get(email="pool@example.jp").language == "en"
    assert members("drafting_body", ROBOTS) == {"robo@example.jp"}
    assert members("drafting_body", ELECTRICAL) == {"robo@example.jp"}
    assert members("ministry", "METI") == {"pool@example.jp"}
    assert members("division", "B") == members("division", "C") == {"pool@example.jp"}
    assert members("ministry", "MLIT") == set()  # a viewer answers nothing


def test_new_people_are_invited_once(programme):
    data = csv_bytes(row("a@example.jp"), row("b@example.jp"))
    roster_import(data)
    assert set(Invitation.objects.values_list("user__email", flat=True)) == {
        "a@example.jp",
        "b@example.jp",
    }
    roster_import(data)
    assert Invitation.objects.count() == 2


def test_upsert_by_email_whatever_its_case(programme, reviewer):
    reviewer.email = "Taro.Yamada@Example.JP"
    reviewer.save()
    result = roster_import(
        csv_bytes(row("taro.yamada@example.jp", name="山田 太郎", bodies=ROBOTS))
    )
    assert result.created == []
    [update] = result.updated
    assert update.user.pk == reviewer.pk
    assert {c.field for c in update.changes} >= {"name", "drafting_bodies", "ministry"}
    assert User.objects.filter(email__iexact="taro.yamada@example.jp").count() == 1
    assert members("drafting_body", ROBOTS) == {"Taro.Yamada@Example.JP"}
    again = roster_import(csv_bytes(row("TARO.YAMADA@example.jp", name="山田 太郎", bodies=ROBOTS)))
    assert (again.updated, again.unchanged) == ([], 1)


def test_a_later_roster_moves_people_between_rules_and_roles(programme):
    roster_import(csv_bytes(row("a@example.jp", bodies=ROBOTS, divisions="B")))
    result = roster_import(csv_bytes(row("a@example.jp", role="府省閲覧者", ministry="METI")))
    assert {c.field for c in result.updated[0].changes} >= {"role", "drafting_bodies", "divisions"}
    assert role_of("a@example.jp") == {Role.MINISTRY_VIEWER}
    assert members("drafting_body", ROBOTS) == members("division", "B") == set()


def test_other_groups_and_hand_made_rules_of_others_stay(programme, other_reviewer):
    extra = Group.objects.create(name="auditors")
    rule = RoutingRule.objects.create(kind="drafting_body", value=ROBOTS)
    rule.reviewers.add(other_reviewer)
    roster_import(csv_bytes(row("a@example.jp", bodies=ROBOTS)))
    user = User.objects.get(email="a@example.jp")
    user.groups.add(extra)
    roster_import(csv_bytes(row("a@example.jp", role="府省閲覧者", ministry="METI")))
    assert role_of("a@example.jp") == {Role.MINISTRY_VIEWER, "auditors"}
    assert set(rule.reviewers.all()) == {other_reviewer}


def test_one_bad_row_writes_nothing(programme):
    result = roster_import(csv_bytes(row("a@example.jp", bodies=ROBOTS), row("b@", name="B")))
    assert not result.ok and not result.written
    assert (result.report.errors[0].line, result.report.errors[0].value) == (3, "b@")
    assert not User.objects.filter(email="a@example.jp").exists()
    assert not RoutingRule.objects.exists()


def test_dry_run_lists_everything_and_writes_nothing(programme, reviewer, other_reviewer):
    reviewer.email = "rev@example.jp"
    reviewer.save()
    result = roster_import(
        csv_bytes(row("rev@example.jp", name="新しい 名前"), row("new@example.jp", bodies=ROBOTS)),
        dry_run=True,
        deactivate_missing=True,
    )
    assert result.dry_run and not result.written
    assert [p.email for p in result.created] == ["new@example.jp"]
    assert [u.person.email for u in result.updated] == ["rev@example.jp"]
    assert [u.pk for u in result.deactivated] == [other_reviewer.pk]
    # the coverage as the import would leave it: ROBOTS covered by the new person
    assert [g.name for g in result.coverage.gaps] == [STANDARDS_BODY, ELECTRICAL]
    assert not User.objects.filter(email="new@example.jp").exists()
    reviewer.refresh_from_db()
    other_reviewer.refresh_from_db()
    assert reviewer.get_full_name() != "新しい 名前" and other_reviewer.is_active
    assert not RoutingRule.objects.exists() and not Invitation.objects.exists()


def test_missing_people_are_kept_unless_told(programme, reviewer, ministry_viewer, coordinator):
    result = roster_import(csv_bytes(row("a@example.jp")))
    assert result.missing_kept == 3 and result.deactivated == []
    assert User.objects.filter(is_active=False).count() == 0


def test_deactivate_missing_sends_open_work_back_to_routing(programme, coordinator, reviewer):
    """given reviewer answering for ROBOTS with an open assignment, when a roster names another
    person for ROBOTS and not the reviewer, then the reviewer is deactivated (kept) and the open
    assignment goes to the new person."""
    rule = RoutingRule.objects.create(kind="drafting_body", value=ROBOTS)
    rule.reviewers.add(reviewer)
    survey_services.questionnaire_publish(definition=FORM)
    survey_services.batches_create(
        programme=Programme.objects.get(),
        fiscal_year=2026,
        due_on=dt.date(2026, 12, 1),
        max_size=10,
        by=coordinator,
        drafting_body=ROBOTS,
        today=TODAY,
    )
    assert set(Assignment.objects.values_list("reviewer", flat=True)) == {reviewer.pk}

    result = roster_import(
        csv_bytes(row("new@example.jp", bodies=ROBOTS)), by=coordinator, deactivate_missing=True
    )

    assert [u.pk for u in result.deactivated] == [reviewer.pk]
    reviewer.refresh_from_db()
    assert not reviewer.is_active and User.objects.filter(pk=reviewer.pk).exists()
    newcomer = User.objects.get(email="new@example.jp")
    assert set(Assignment.objects.values_list("reviewer", flat=True)) == {newcomer.pk}
    coordinator.refresh_from_db()
    assert coordinator.is_active  # the uploader is never deactivated


@pytest.mark.parametrize("role", ["coordinator", "事務局"])
def test_a_coordinator_who_is_not_an_admin_cannot_grant_the_coordinator_role(
    programme, coordinator, role
):
    result = roster_import(
        csv_bytes(row("a@example.jp", bodies=ROBOTS), row("boss@example.jp", role=role)),
        by=coordinator,
    )
    assert not result.ok and not result.written
    [error] = result.report.errors
    assert (error.line, error.column) == (3, "role")
    assert "administrator" in error.message
    assert not User.objects.filter(email__in=["a@example.jp", "boss@example.jp"]).exists()


def test_nor_take_it_away_nor_change_an_admin(programme, coordinator, django_user_model):
    other = django_user_model.objects.create_user("c2", email="c2@example.jp")
    other.groups.add(Group.objects.get(name=Role.COORDINATOR))
    admin = django_user_model.objects.create_superuser("root", email="root@example.jp")
    result = roster_import(
        csv_bytes(row("c2@example.jp"), row("root@example.jp", role="coordinator")),
        by=coordinator,
    )
    assert [e.line for e in result.report.errors] == [2, 3]
    assert role_of("c2@example.jp") == {Role.COORDINATOR}
    admin.refresh_from_db()
    assert admin.get_full_name() == ""


def test_an_admin_may_grant_it(programme, django_user_model):
    admin = django_user_model.objects.create_superuser("root", email="root@example.jp")
    result = roster_import(csv_bytes(row("boss@example.jp", role="事務局")), by=admin)
    assert result.written
    assert role_of("boss@example.jp") == {Role.COORDINATOR}


def test_cp932_csv_and_xlsx_read_alike(programme):
    cp932 = csv_bytes(
        row("a@example.jp", bodies="（一社）日本ロボット工業会"), header=JA, encoding="cp932"
    )
    xlsx = xlsx_bytes(row("b@example.jp", bodies="一般社団法人　日本ロボット工業会"))
    roster_import(cp932, filename="roster.csv")
    roster_import(xlsx, filename="roster.xlsx")
    assert members("drafting_body", ROBOTS) == {"a@example.jp", "b@example.jp"}


def test_an_unreadable_file_is_refused_whole(programme):
    with pytest.raises(CatalogFileError):
        roster_import(b"PK\x03\x04not a workbook", filename="roster.xlsx")


def test_coverage_counts_this_and_next_years_standards(programme, reviewer):
    gaps = coverage(today=TODAY)
    assert gaps.bodies == 3
    assert [(g.name, g.this_year, g.next_year, g.standards) for g in gaps.gaps] == [
        (ROBOTS, 2, 1, 3),
        (STANDARDS_BODY, 1, 0, 1),
        (ELECTRICAL, 0, 1, 1),
    ]
    assert (gaps.gap_standards_this_year, gaps.gap_standards_next_year) == (3, 2)
    rule = RoutingRule.objects.create(kind="drafting_body", value=ROBOTS)
    rule.reviewers.add(reviewer)
    assert [g.name for g in coverage(today=TODAY).gaps] == [STANDARDS_BODY, ELECTRICAL]
    reviewer.is_active = False
    reviewer.save()
    assert len(coverage(today=TODAY).gaps) == 3  # an inactive person answers nothing


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_import_waits_for_the_first():
    """Two coordinators importing at once would both create the people new to each: the import
    takes an advisory lock, so the second waits for the first to commit and then finds them."""
    import threading

    from django.db import connection, connections

    catalog()
    holder = connections.create_connection("default")
    done = threading.Event()

    def second():
        try:
            roster_import(csv_bytes(row("a@example.jp", bodies=ROBOTS)))
        finally:
            connection.close()
            done.set()

    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services.ADVISORY_LOCK])
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(timeout=1.0)  # blocked behind the lock
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services.ADVISORY_LOCK])
        thread.join(timeout=30)
        assert done.is_set()
    finally:
        holder.close()
    assert User.objects.filter(email="a@example.jp").count() == 1


def test_a_file_larger_than_any_roster_is_refused_before_reading(programme):
    too_big = csv_bytes(row("a@example.jp")) + b" " * services.MAX_BYTES
    with pytest.raises(CatalogFileError, match="limit"):
        roster_import(too_big)


def test_a_deactivated_person_named_again_is_reactivated(programme, reviewer):
    reviewer.email, reviewer.is_active = "rev@example.jp", False
    reviewer.save()
    [update] = roster_import(csv_bytes(row("rev@example.jp", name="rev"))).updated
    assert [c.field for c in update.changes if c.field == "active"] == ["active"]
    reviewer.refresh_from_db()
    assert reviewer.is_active


def test_after_commit_the_new_peoples_invitations_are_rung_for(
    programme, monkeypatch, django_capture_on_commit_callbacks
):
    from reviews.people import tasks as people_tasks

    rung = []
    monkeypatch.setattr(
        people_tasks.send_invitations, "apply_async", lambda args, **kw: rung.extend(args[0])
    )
    with django_capture_on_commit_callbacks(execute=True):
        roster_import(csv_bytes(row("a@example.jp"), row("b@example.jp", language="en")))
        assert rung == []  # nothing before the commit
    outbox = Invitation.objects.values_list("reminder_id", flat=True)
    assert sorted(rung) == sorted(outbox) and len(rung) == 2


def test_only_an_admin_reactivates_a_coordinator(programme, coordinator, django_user_model):
    """A deactivated coordinator named again with the same role would get the role back: for a
    coordinator who is not an administrator that is a grant, refused; an administrator may."""
    gone = django_user_model.objects.create_user("c2", email="c2@example.jp", is_active=False)
    gone.groups.add(Group.objects.get(name=Role.COORDINATOR))
    data = csv_bytes(row("c2@example.jp", name="c2", role="coordinator"))

    refused = roster_import(data, by=coordinator)

    assert not refused.written
    [error] = refused.report.errors
    assert (error.line, error.column, error.value) == (2, "role", "coordinator")
    gone.refresh_from_db()
    assert not gone.is_active
    admin = django_user_model.objects.create_superuser("root", email="root@example.jp")
    assert roster_import(data, by=admin).written
    gone.refresh_from_db()
    assert gone.is_active


def test_deactivate_missing_never_takes_admins_nor_for_a_coordinator_other_coordinators(
    programme, coordinator, reviewer, django_user_model
):
    other = django_user_model.objects.create_user("c2", email="c2@example.jp")
    other.groups.add(Group.objects.get(name=Role.COORDINATOR))
    admin = django_user_model.objects.create_superuser("root", email="root@example.jp")
    admin.groups.add(Group.objects.get(name=Role.COORDINATOR))
    data = csv_bytes(row("new@example.jp"))

    by_coordinator = roster_import(data, by=coordinator, deactivate_missing=True, dry_run=True)
    from_the_command_line = roster_import(data, deactivate_missing=True, dry_run=True)

    assert [u.pk for u in by_coordinator.deactivated] == [reviewer.pk]
    assert {u.pk for u in from_the_command_line.deactivated} == {
        reviewer.pk,
        coordinator.pk,
        other.pk,
    }


def test_leaving_the_routing_rules_is_a_change_an_admins_account_refuses(
    programme, coordinator, django_user_model
):
    """A ministry viewer answers nothing: a roster that names one still in a routing rule takes
    them out of it, and says so; for an administrator's account, only an administrator may."""
    admin = django_user_model.objects.create_superuser("root", email="root@example.jp")
    admin.first_name, admin.ministry_id = "root", "MLIT"
    admin.save()
    admin.groups.add(Group.objects.get(name=Role.MINISTRY_VIEWER))
    RoutingRule.objects.create(kind="ministry", value="MLIT").reviewers.add(admin)
    data = csv_bytes(row("root@example.jp", name="root", role="府省閲覧者", ministry="MLIT"))

    refused = roster_import(data, by=coordinator)
    assert [e.line for e in refused.report.errors] == [2]
    assert members("ministry", "MLIT") == {"root@example.jp"}

    [update] = roster_import(data, by=admin).updated
    assert [(c.field, c.before, c.after) for c in update.changes] == [("routing", "MLIT", "")]
    assert members("ministry", "MLIT") == set()
