"""Follow-up actions on priority standards: who may add and change them, the page, exports, API, panel."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import role_names
from reviews.follow_ups import selectors as follow_up_selectors
from reviews.follow_ups import services as follow_up_services
from reviews.follow_ups.forms import FollowUpForm
from reviews.models import FollowUp, StandardPriority
from standards import selectors as standard_selectors
from standards.models import Ministry
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2026, 11, 28)
PANEL = "reviews/_standard_follow_ups.html"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 28, 10, 0, tzinfo=JST), tick=False)


@pytest.fixture
def client(client, settings):
    """Pages in English, so the assertions read the source messages (Japanese is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _standard(number: str, ministry: str, *, priority: bool | None = True):
    standard = StandardFactory(number=number, ministries=[ministry])
    if priority is not None:
        StandardPriority.objects.create(
            standard=standard,
            is_priority=priority,
            reasons=["fast_track"] if priority else [],
            computed_at=timezone.now(),
        )
    return standard


def _ministry(code: str) -> Ministry:
    return Ministry.objects.get(code=code)


@pytest.fixture
def meti_std():
    return _standard("JIS B 8445", "METI")


@pytest.fixture
def mlit_std():
    return _standard("JIS A 5308", "MLIT")


@pytest.fixture
def four(coordinator, meti_std, mlit_std):
    """A METI standard and an MLIT standard, each with a follow-up owned by METI and one by MLIT."""

    def add(standard, code, action, due_on=None):
        return follow_up_services.follow_up_create(
            standard=standard,
            action=action,
            ministry=_ministry(code),
            due_on=due_on,
            note="",
            by=coordinator,
        )

    return {
        "meti/meti": add(meti_std, "METI", "経産省の調達仕様で引用", dt.date(2026, 12, 1)),
        "meti/mlit": add(meti_std, "MLIT", "国交省の共通仕様書で引用", dt.date(2027, 3, 31)),
        "mlit/meti": add(mlit_std, "METI", "JIS A 5308 の普及啓発"),
        "mlit/mlit": add(mlit_std, "MLIT", "公共建築工事標準仕様書で引用", dt.date(2027, 1, 15)),
    }


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("priority", [False, None], ids=["not-priority", "never-computed"])
def test_only_priority_standards_take_follow_ups(coordinator, priority):
    standard = _standard("JIS Z 8301", "METI", priority=priority)
    with pytest.raises(ValidationError) as caught:
        follow_up_services.follow_up_create(
            standard=standard,
            action="引用を検討",
            ministry=_ministry("METI"),
            due_on=None,
            note="",
            by=coordinator,
        )
    assert "JIS Z 8301 is not a priority standard" in caught.value.message_dict["standard"][0]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("user", "standard", "owner", "allowed"),
    [
        ("coordinator", "meti_std", "MLIT", True),  # coordinators: any ministry, any standard
        ("coordinator", "mlit_std", "MHLW", True),
        ("ministry_viewer", "meti_std", "METI", True),  # own ministry, in its remit
        ("ministry_viewer", "meti_std", "MLIT", False),  # another ministry as owner
        ("ministry_viewer", "mlit_std", "METI", False),  # own ministry, outside its remit
        ("reviewer", "meti_std", "METI", False),  # a METI reviewer is not a viewer
        ("outsider", "meti_std", "METI", False),
    ],
)
def test_who_may_add_a_follow_up(request, user, standard, owner, allowed):
    user, standard = request.getfixturevalue(user), request.getfixturevalue(standard)

    def create():
        return follow_up_services.follow_up_create(
            standard=standard,
            action="調達仕様での引用",
            ministry=_ministry(owner),
            due_on=dt.date(2027, 3, 31),
            note="",
            by=user,
        )

    if allowed:
        follow_up = create()
        assert (follow_up.standard, follow_up.ministry_id, follow_up.status) == (
            standard,
            owner,
            FollowUp.Status.OPEN,
        )
        assert follow_up.created_by == user
    else:
        with pytest.raises(PermissionDenied):
            create()
        assert not FollowUp.objects.exists()


def test_due_date_may_be_today_but_not_in_the_past(coordinator, meti_std):
    def create(due_on):
        return follow_up_services.follow_up_create(
            standard=meti_std,
            action="引用",
            ministry=_ministry("METI"),
            due_on=due_on,
            note="",
            by=coordinator,
        )

    with pytest.raises(ValidationError) as caught:
        create(TODAY - dt.timedelta(days=1))
    assert caught.value.message_dict == {"due_on": ["The due date 2026-11-27 is in the past."]}
    assert create(TODAY).due_on == TODAY


def test_blank_action_is_refused_with_the_field(coordinator, meti_std):
    with pytest.raises(ValidationError) as caught:
        follow_up_services.follow_up_create(
            standard=meti_std,
            action="   ",
            ministry=_ministry("METI"),
            due_on=None,
            note="",
            by=coordinator,
        )
    assert list(caught.value.message_dict) == ["action"]


def test_who_may_change_a_follow_up(four, ministry_viewer, reviewer, coordinator):
    own = follow_up_services.follow_up_update(
        follow_up=four["meti/meti"], by=ministry_viewer, status=FollowUp.Status.IN_PROGRESS
    )
    assert FollowUp.objects.get(pk=own.pk).status == FollowUp.Status.IN_PROGRESS
    for follow_up, changes in [
        (four["meti/mlit"], {"status": "done"}),  # MLIT owns it, though on a METI standard
        (four["mlit/meti"], {"status": "done"}),  # METI owns it, but the standard is MLIT's
        (four["meti/meti"], {"ministry": _ministry("MLIT")}),  # giving it away to MLIT
    ]:
        with pytest.raises(PermissionDenied):
            follow_up_services.follow_up_update(follow_up=follow_up, by=ministry_viewer, **changes)
    with pytest.raises(PermissionDenied):
        follow_up_services.follow_up_update(follow_up=four["meti/meti"], by=reviewer, status="done")
    moved = follow_up_services.follow_up_update(
        follow_up=four["mlit/meti"], by=coordinator, ministry=_ministry("MLIT")
    )
    assert moved.ministry_id == "MLIT"
    assert FollowUp.objects.get(pk=four["meti/mlit"].pk).status == FollowUp.Status.OPEN


def test_a_changed_due_date_may_not_be_in_the_past(four, coordinator):
    with pytest.raises(ValidationError) as caught:
        follow_up_services.follow_up_update(
            follow_up=four["meti/meti"], by=coordinator, due_on=dt.date(2026, 1, 5)
        )
    assert "2026-01-05" in caught.value.message_dict["due_on"][0]
    with pytest.raises(TypeError):
        follow_up_services.follow_up_update(
            follow_up=four["meti/meti"], by=coordinator, standard=None
        )


def test_visible_follow_ups(four, coordinator, ministry_viewer, reviewer, outsider):
    def visible(user):
        return {
            key
            for key, f in four.items()
            if follow_up_selectors.visible_follow_ups(user).filter(pk=f.pk)
        }

    assert visible(coordinator) == set(four)
    assert visible(ministry_viewer) == {"meti/meti", "meti/mlit", "mlit/meti"}
    assert visible(reviewer) == set()
    assert visible(outsider) == set()


def test_history_records_a_status_change(four, ministry_viewer, coordinator):
    follow_up = four["meti/meti"]
    follow_up_services.follow_up_update(follow_up=follow_up, by=ministry_viewer, status="done")
    records = list(follow_up.history.order_by("-history_date", "-history_id"))
    assert [(r.history_type, r.status, r.history_user) for r in records] == [
        ("~", "done", ministry_viewer),
        ("+", "open", coordinator),
    ]


# --- Japanese dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和8年12月1日", dt.date(2026, 12, 1)),
        ("R8.12.1", dt.date(2026, 12, 1)),
        ("令和９年３月３１日", dt.date(2027, 3, 31)),
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2027/1/15", dt.date(2027, 1, 15)),
    ],
)
def test_due_dates_are_read_in_the_era_calendar_too(meti_std, text, expected):
    form = FollowUpForm(
        {"standard": "JISB8445", "action": "引用", "ministry": "METI", "due_on": text}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due_on"] == expected
    assert form.cleaned_data["standard"] == meti_std


def test_an_impossible_date_is_refused_quoting_it(meti_std):
    form = FollowUpForm(
        {"standard": "JIS B 8445", "action": "引用", "ministry": "METI", "due_on": "令和8年2月30日"}
    )
    assert not form.is_valid()
    assert "「令和8年2月30日」 is not a real calendar date" in form.errors["due_on"][0]


def test_a_ministry_viewer_may_only_choose_their_own_ministry(meti_std):
    form = FollowUpForm(
        {"standard": "JIS B 8445", "action": "引用", "ministry": "MLIT"}, ministry="METI"
    )
    assert not form.is_valid()
    assert "MLIT" in form.errors["ministry"][0]


# --- the page ----------------------------------------------------------------------------


def _rows(content: bytes, four) -> set[str]:
    page = content.decode()
    return {key for key, f in four.items() if f.action in page}


def test_page_filters(client, four, coordinator):
    FollowUp.objects.filter(pk=four["meti/meti"].pk).update(due_on=dt.date(2026, 11, 1))
    FollowUp.objects.filter(pk=four["mlit/mlit"].pk).update(
        due_on=dt.date(2026, 10, 1), status=FollowUp.Status.DONE
    )
    client.force_login(coordinator)
    assert _rows(client.get("/reviews/follow-ups/").content, four) == set(four)
    assert _rows(client.get("/reviews/follow-ups/?status=done").content, four) == {"mlit/mlit"}
    assert _rows(client.get("/reviews/follow-ups/?ministry=MLIT").content, four) == {
        "meti/mlit",
        "mlit/mlit",
    }
    # Past due and still open; the done one is not overdue.
    assert _rows(client.get("/reviews/follow-ups/?overdue=true").content, four) == {"meti/meti"}


def test_page_links_each_row_to_its_standard(client, four, coordinator, meti_std):
    client.force_login(coordinator)
    page = client.get("/reviews/follow-ups/").content.decode()
    assert f'href="/standards/{meti_std.pk}/"' in page


@pytest.mark.parametrize(
    ("user", "status", "visible"),
    [
        ("ministry_viewer", 200, {"meti/meti", "meti/mlit", "mlit/meti"}),
        ("reviewer", 403, set()),
        ("outsider", 403, set()),
    ],
)
def test_page_is_scoped(client, request, four, user, status, visible):
    client.force_login(request.getfixturevalue(user))
    response = client.get("/reviews/follow-ups/")
    assert response.status_code == status
    assert _rows(response.content, four) == visible


@pytest.mark.japanese
def test_page_speaks_japanese(client, four, coordinator, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    client.force_login(coordinator)
    page = client.get("/reviews/follow-ups/").content.decode()
    assert '<html lang="ja">' in page
    assert "期限切れのみ" in page  # "Overdue only"
    assert "国土交通大臣" in page


def test_create_from_the_page_with_an_era_date(client, meti_std, ministry_viewer):
    client.force_login(ministry_viewer)
    response = client.post(
        "/reviews/follow-ups/new/",
        {
            "standard": "JIS B 8445",
            "action": "経産省の調達仕様で引用",
            "ministry": "METI",
            "due_on": "令和8年12月1日",
            "note": "第3四半期に検討",
            "next": f"/standards/{meti_std.pk}/",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/standards/{meti_std.pk}/"
    follow_up = FollowUp.objects.get()
    assert (follow_up.due_on, follow_up.ministry_id, follow_up.created_by) == (
        dt.date(2026, 12, 1),
        "METI",
        ministry_viewer,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Follow-up added to JIS B 8445" in page


def test_create_errors_show_the_field_and_value(client, meti_std, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/reviews/follow-ups/new/",
        {"standard": "JIS B 8445", "action": "引用", "ministry": "METI", "due_on": "R8.13.1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Due: 「R8.13.1」 is not a real calendar date" in page
    assert 'value="R8.13.1"' in page  # what was typed comes back
    assert not FollowUp.objects.exists()


def test_create_on_a_non_priority_standard_names_it(client, coordinator):
    _standard("JIS Z 8301", "METI", priority=False)
    client.force_login(coordinator)
    response = client.post(
        "/reviews/follow-ups/new/",
        {"standard": "JIS Z 8301", "action": "引用", "ministry": "METI"},
    )
    assert response.status_code == 400
    assert "JIS Z 8301 is not a priority standard" in response.content.decode()


def test_create_needs_csrf(meti_std, coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(
        "/reviews/follow-ups/new/", {"standard": "JIS B 8445", "action": "x", "ministry": "METI"}
    )
    assert response.status_code == 403
    assert not FollowUp.objects.exists()


def test_status_change_from_the_page(client, four, ministry_viewer):
    client.force_login(ministry_viewer)

    def change(key, status, next_url=""):
        url = f"/reviews/follow-ups/{four[key].pk}/status/"
        return client.post(url, {"status": status, "next": next_url})

    response = change("meti/meti", "done", next_url="/reviews/follow-ups/?status=open")
    assert (response.status_code, response["Location"]) == (302, "/reviews/follow-ups/?status=open")
    assert FollowUp.objects.get(pk=four["meti/meti"].pk).status == "done"
    assert (
        change("meti/meti", "open", "https://evil.example/")["Location"] == "/reviews/follow-ups/"
    )
    assert change("meti/mlit", "done").status_code == 403  # visible, but MLIT's
    assert change("mlit/mlit", "done").status_code == 404  # not visible at all
    bad = change("meti/meti", "finished")
    assert bad.status_code == 400
    assert "finished is not one of the available choices" in bad.content.decode()
    assert FollowUp.objects.filter(status="done").count() == 0


# --- exports -----------------------------------------------------------------------------


@pytest.fixture
def with_formula(four, coordinator, meti_std):
    return follow_up_services.follow_up_create(
        standard=meti_std,
        action="=cmd|' /C calc'!A0",
        ministry=_ministry("METI"),
        due_on=None,
        note="",
        by=coordinator,
    )


def test_csv_export_has_a_bom_escapes_formulas_and_follows_the_filters(
    client, with_formula, coordinator
):
    client.force_login(coordinator)
    response = client.get("/reviews/follow-ups/export.csv?ministry=METI")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Number", "Title", "Follow-up action"]
    actions = [row[2] for row in rows[1:]]
    assert sorted(actions) == sorted(
        ["'=cmd|' /C calc'!A0", "経産省の調達仕様で引用", "JIS A 5308 の普及啓発"]
    )
    assert all(row[3] == "経済産業大臣" for row in rows[1:])


def test_xlsx_export_follows_the_filters_and_scope(client, with_formula, ministry_viewer):
    FollowUp.objects.filter(pk=with_formula.pk).update(status="dropped")
    client.force_login(ministry_viewer)
    response = client.get("/reviews/follow-ups/export.xlsx?status=dropped")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 2
    # a string cell is never run: the text is written as it is, with no apostrophe
    assert rows[1][0] == "JIS B 8445" and rows[1][2] == "=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert rows[1][5] == "Dropped"


def test_reviewers_cannot_export(client, four, reviewer):
    client.force_login(reviewer)
    assert client.get("/reviews/follow-ups/export.csv").status_code == 403


# --- API ---------------------------------------------------------------------------------


def test_api_create_as_a_ministry_viewer(token_client, ministry_viewer, meti_std):
    api = token_client(ministry_viewer)
    response = api.post(
        "/api/follow-ups/",
        {
            "standard": meti_std.pk,
            "action": "調達仕様で引用",
            "ministry": "METI",
            "due_on": "R8.12.1",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert (body["number"], body["ministry"], body["due_on"], body["status"]) == (
        "JIS B 8445",
        "METI",
        "2026-12-01",
        "open",
    )
    assert body["created_by"] == "meti-viewer" and body["overdue"] is False


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"ministry": "MLIT"}, 403, "detail"),  # another ministry's follow-up
        ({"standard": "mlit"}, 403, "detail"),  # outside METI's remit
        ({"standard": "plain"}, 400, "standard"),  # not a priority
        ({"due_on": "2026-11-27"}, 400, "due_on"),  # in the past
        ({"due_on": "令和8年13月1日"}, 400, "due_on"),
        ({"action": ""}, 400, "action"),
        ({"ministry": "XXXX"}, 400, "ministry"),
        ({"ministry": "ME\x00TI"}, 400, "ministry"),  # a NUL must not reach PostgreSQL
    ],
)
def test_api_create_refusals(
    token_client, ministry_viewer, meti_std, mlit_std, payload, status, field
):
    plain = _standard("JIS Z 8301", "METI", priority=False)
    standards = {"mlit": mlit_std.pk, "plain": plain.pk}
    data = {"standard": meti_std.pk, "action": "引用", "ministry": "METI", **payload}
    data["standard"] = standards.get(data["standard"], data["standard"])
    response = token_client(ministry_viewer).post("/api/follow-ups/", data, format="json")
    assert response.status_code == status
    assert field in response.json()
    assert not FollowUp.objects.exists()


def test_api_patch(token_client, four, ministry_viewer):
    api = token_client(ministry_viewer)

    def patch(key, data):
        return api.patch(f"/api/follow-ups/{four[key].pk}/", data, format="json")

    response = patch("meti/meti", {"status": "in_progress", "note": "担当課と調整中"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("in_progress", "担当課と調整中")
    assert FollowUp.objects.get(pk=four["meti/meti"].pk).status == "in_progress"
    assert "status" in patch("meti/meti", {"status": "nope"}).json()
    assert "due_on" in patch("meti/meti", {"due_on": "2020-01-01"}).json()
    assert "ministry" in patch("meti/meti", {"ministry": "ME\x00TI"}).json()
    assert patch("meti/mlit", {"status": "done"}).status_code == 403  # MLIT's
    assert patch("mlit/mlit", {"status": "done"}).status_code == 404  # not visible
    own = f"/api/follow-ups/{four['meti/meti'].pk}/"
    assert api.put(own, {"status": "done"}, format="json").status_code == 405
    assert api.delete(own).status_code == 405
    assert FollowUp.objects.filter(status="done").count() == 0
    assert FollowUp.objects.count() == 4


def test_api_list_scope_and_filters(
    token_client, four, ministry_viewer, coordinator, reviewer, meti_std
):
    FollowUp.objects.filter(pk=four["meti/meti"].pk).update(due_on=dt.date(2026, 11, 1))

    def ids(client, query=""):
        response = client.get(f"/api/follow-ups/{query}")
        assert response.status_code == 200
        found = {f["id"] for f in response.json()["results"]}
        return {key for key, f in four.items() if f.pk in found}

    viewer, coord = token_client(ministry_viewer), token_client(coordinator)
    assert ids(viewer) == {"meti/meti", "meti/mlit", "mlit/meti"}
    assert ids(coord) == set(four)
    assert ids(coord, "?ministry=MLIT") == {"meti/mlit", "mlit/mlit"}
    assert ids(coord, f"?standard={meti_std.pk}") == {"meti/meti", "meti/mlit"}
    assert ids(coord, "?overdue=true") == {"meti/meti"}
    assert ids(coord, "?status=open") == set(four)
    assert ids(coord, "?status=done") == set()
    ordered = coord.get("/api/follow-ups/?ordering=-due_on").json()["results"]
    assert [f["due_on"] for f in ordered if f["due_on"]] == [
        "2027-03-31",
        "2027-01-15",
        "2026-11-01",
    ]
    assert token_client(reviewer).get("/api/follow-ups/").status_code == 403


def test_api_list_query_count(token_client, four, coordinator, django_assert_num_queries):
    api = token_client(coordinator)
    # token with its user and role groups, count, one page of follow-ups joined to standard,
    # ministry and creator
    with django_assert_num_queries(3):
        assert len(api.get("/api/follow-ups/").json()["results"]) == 4


# --- the panel on a standard's page ------------------------------------------------------


def _render_panel(user, standard) -> str:
    request = RequestFactory().get(f"/standards/{standard.pk}/")
    request.user = user
    return render_to_string(PANEL, {"standard": standard}, request=request)


def _page_standard(standard):
    standard = standard_selectors.standard_detail_queryset().get(pk=standard.pk)
    list(standard.ministries.all())
    return standard


def test_panel_on_a_priority_standard(client, four, coordinator, meti_std):
    client.force_login(coordinator)
    page = client.get(f"/standards/{meti_std.pk}/").content.decode()
    assert "Follow-up actions" in page
    assert "経産省の調達仕様で引用" in page and "国交省の共通仕様書で引用" in page
    assert "JIS A 5308 の普及啓発" not in page  # another standard's
    assert 'name="action"' in page and 'value="JIS B 8445"' in page  # the add form


def test_panel_for_a_viewer_shows_status_forms_only_for_their_own(four, ministry_viewer, meti_std):
    html = _render_panel(ministry_viewer, _page_standard(meti_std))
    assert f"/reviews/follow-ups/{four['meti/meti'].pk}/status/" in html
    assert f"/reviews/follow-ups/{four['meti/mlit'].pk}/status/" not in html
    assert "国交省の共通仕様書で引用" in html  # visible, though not theirs to change
    assert '<option value="METI" selected>' in html and 'value="MLIT"' not in html


def test_panel_on_a_non_priority_standard_offers_no_form(coordinator):
    standard = _standard("JIS Z 8301", "METI", priority=False)
    html = _render_panel(coordinator, _page_standard(standard))
    assert "Follow-up actions can be added only to priority standards." in html
    assert 'name="action"' not in html


@pytest.mark.parametrize(
    ("user", "standard", "queries"),
    [
        ("reviewer", "meti_std", 0),
        ("outsider", "meti_std", 0),
        ("coordinator", "meti_std", 2),  # follow-ups; ministries marked with the priority flag
        ("ministry_viewer", "meti_std", 2),
        ("ministry_viewer", "mlit_std", 1),  # outside the remit: no form to fill
    ],
)
def test_panel_query_count(request, four, user, standard, queries, django_assert_num_queries):
    user = request.getfixturevalue(user)
    role_names(user)  # the page header has already read the roles
    standard = _page_standard(request.getfixturevalue(standard))
    with django_assert_num_queries(queries):
        html = _render_panel(user, standard)
    assert ("Follow-up actions" in html) is (queries > 0)


def test_page_offers_status_changes_only_where_the_user_may(client, four, ministry_viewer):
    client.force_login(ministry_viewer)
    page = client.get("/reviews/follow-ups/").content.decode()
    assert f"/reviews/follow-ups/{four['meti/meti'].pk}/status/" in page
    assert f"/reviews/follow-ups/{four['meti/mlit'].pk}/status/" not in page  # MLIT's
    assert f"/reviews/follow-ups/{four['mlit/meti'].pk}/status/" not in page  # outside the remit


@pytest.mark.parametrize(("user", "queries"), [("coordinator", 4), ("ministry_viewer", 5)])
def test_page_query_count(client, request, four, user, queries, django_assert_num_queries):
    client.force_login(request.getfixturevalue(user))
    client.get("/reviews/follow-ups/")  # fills the cached ministry choices
    # session user, role groups, count, one page of follow-ups with standard, ministry and
    # creator; for a ministry viewer also the page's standards' ministries (the remit check)
    with django_assert_num_queries(queries):
        response = client.get("/reviews/follow-ups/")
    assert response.status_code == 200
