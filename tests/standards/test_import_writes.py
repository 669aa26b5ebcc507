"""The import's set-based writes: the PostgreSQL path (staging table filled by COPY, one
INSERT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM) and the plain path leave the same catalog
and the same history; an unchanged re-import writes nothing; many changes cost no more statements
than a few."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from standards import import_writes, selectors, services
from standards.models import DraftingBody, InternationalCorrespondence, Standard

HEADER = "number,title_ja,title_en,established_on,revised_on,ministry,drafting_body,ics,international,status,fast_track"
FIRST = [
    "JIS B 8445:2016,生活支援ロボットの安全要求事項,Robots,2016-03-22,,経済産業大臣,一般社団法人日本ロボット工業会,25.040.30,ISO 13482:2014 (IDT),active,yes",
    "JIS B 7922,電子式湿球黒球温度（WBGT）指数計,,2017-03-21,2023-03-20,経済産業大臣、厚生労働大臣,一般社団法人日本電気計測器工業会,17.200.20,,有効,",
    "JIS Y 17100,翻訳サービス,Translation services,2021-03-22,,METI,一般財団法人日本規格協会,01.020,ISO 17100:2015 IDT; ISO 9001:2015 (NEQ),active,",
    "TS A 0006:2004,仕様書,,2004-01-20,,,,,,active,",
]
# Every kind of change: a title (search text follows), a date (the review due date follows), a
# ministry removed, a body replaced, a correspondence's degree changed and one removed, a status,
# a new standard, an amendment, and one row left as it was.
SECOND = [
    "JIS B 8445:2016,生活支援ロボットの安全要求事項（改）,Robots,2016-03-23,,経済産業大臣,一般社団法人日本ロボット工業会,25.040.30,ISO 13482:2014 (MOD),active,yes",
    "JIS B 7922,電子式湿球黒球温度（WBGT）指数計,,2017-03-21,2023-03-20,経済産業大臣,一般社団法人日本規格協会,17.200.20,,廃止,",
    "JIS Y 17100,翻訳サービス,Translation services,2021-03-22,,METI,一般財団法人日本規格協会,01.020,ISO 17100:2015 IDT,active,",
    "TS A 0006:2004,仕様書,,2004-01-20,,,,,,active,",
    "JIS Z 9001,新しい規格,,2024-04-01,,経済産業大臣,一般財団法人日本規格協会,,,active,",
    "JIS B 8445:2016/AMD 1:2020,追補,,,,,,,,,",
]


def _csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(rows: list[str], by=None) -> services.ImportResult:
    report = selectors.catalog_read(_csv(rows), filename="catalog.csv")
    assert report.ok, report.errors
    return services.standards_import(
        records=report.records,
        columns=report.columns,
        amendments=report.amendments,
        by=by,
        reason="import catalog.csv",
    )


def _catalog() -> list[tuple]:
    """Everything an import writes, by number rather than id."""
    standards = list(
        Standard.objects.order_by("number").values_list(
            "number",
            *(f for f in import_writes.IMPORTED_FIELDS if f != "drafting_body_id"),
            "drafting_body__name",
            *import_writes.DERIVED_FIELDS,
        )
    )
    links = sorted(
        (
            s.number,
            tuple(sorted(s.ministries.values_list("code", flat=True))),
            tuple(sorted(s.drafting_bodies.values_list("name", flat=True))),
        )
        for s in Standard.objects.all()
    )
    correspondences = sorted(
        InternationalCorrespondence.objects.values_list("standard__number", "designation", "degree")
    )
    return [standards, links, correspondences]


def _history() -> list[tuple]:
    """Every history row in words: who, why, what kind, and what the row held (times aside: one
    per import, the same for all its rows)."""
    standards = sorted(
        (
            h.number,
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
            h.title_ja,
            h.status,
            h.established_on,
            tuple(sorted(m.ministry_id for m in h.ministries.all())),
            tuple(sorted(b.draftingbody.name for b in h.drafting_bodies.all())),
            tuple(h.amendments),
        )
        for h in Standard.history.all()
    )
    correspondences = sorted(
        (
            Standard.objects.get(pk=h.standard_id).number,
            h.designation,
            h.degree,
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
        )
        for h in InternationalCorrespondence.history.all()
    )
    dates = Standard.history.values_list("history_date", flat=True).distinct().count()
    return [standards, correspondences, dates]


def _two_imports(by) -> list:
    _import(FIRST, by)
    result = _import(SECOND, by)
    return [
        result.created,
        sorted(result.updated),
        result.unchanged,
        result.amendments,
        _catalog(),
        _history(),
    ]


@pytest.mark.django_db
def test_the_plain_path_keeps_every_change_and_its_history(coordinator, monkeypatch):
    monkeypatch.setattr(services, "standards_upsert", import_writes._upsert_plain)
    created, updated, unchanged, amendments, _catalog_rows, _history_rows = _two_imports(
        coordinator
    )
    assert (created, updated, unchanged, amendments) == (
        ["JIS Z 9001"],
        ["JIS B 7922", "JIS B 8445", "JIS Y 17100"],
        1,
        1,
    )
    robot = Standard.objects.get(number="JIS B 8445")
    assert robot.title_ja.endswith("（改）") and "(改)" in robot.search_text
    assert robot.review_due_on == dt.date(2021, 3, 23)
    assert robot.amendments == ["JIS B 8445:2016/追補1:2020"]
    wbgt = Standard.objects.get(number="JIS B 7922")
    assert wbgt.status == "withdrawn" and wbgt.drafting_body.name == "一般財団法人日本規格協会"
    kinds = [h.history_type for h in robot.history.order_by("history_date")]
    assert kinds == ["+", "~"]
    assert {h.history_user_id for h in Standard.history.all()} == {coordinator.pk}
    removed = InternationalCorrespondence.history.filter(history_type="-")
    assert sorted(removed.values_list("designation", flat=True)) == [
        "ISO 13482:2014",
        "ISO 9001:2015",
    ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_staged_path_and_the_plain_path_leave_the_same_catalog_and_history(monkeypatch):
    by = get_user_model().objects.create_user(username="importer")
    staged = _two_imports(by)
    for model in (
        Standard.history.model.ministries.model,
        Standard.history.model.drafting_bodies.model,
        Standard.history.model,
        InternationalCorrespondence.history.model,
        InternationalCorrespondence,
        Standard.ministries.through,
        Standard.drafting_bodies.through,
        Standard,
        DraftingBody,
    ):
        model.objects.all()._raw_delete(connection.alias)
    monkeypatch.setattr(services, "standards_upsert", import_writes._upsert_plain)
    assert _two_imports(by) == staged


@pytest.mark.postgres
@pytest.mark.django_db
def test_one_statement_writes_every_standard_however_many_change():
    def statements(count: int) -> list[str]:
        rows = [f"JIS Z {8000 + i},規格{i},,2020-04-01,,METI,,,,active," for i in range(count)]
        _import(rows)
        changed = [row.replace("2020-04-01", "2021-04-01") for row in rows]
        with CaptureQueriesContext(connection) as queries:
            _import(changed)
        return [q["sql"] for q in queries.captured_queries]

    few, many = statements(3), statements(300)
    assert len(many) == len(few)
    writes = [sql for sql in many if sql.startswith('INSERT INTO "standards_standard"')]
    assert len(writes) == 1 and "ON CONFLICT (number) DO UPDATE" in writes[0]
    assert "IS DISTINCT FROM" in writes[0]


@pytest.mark.django_db
def test_a_row_already_as_stored_is_not_written():
    _import(FIRST)
    stored = Standard.objects.get(number="JIS B 8445")
    row = {name: getattr(stored, name) for name in import_writes.WRITTEN_FIELDS}
    row |= {"id": stored.pk, "updated_at": stored.updated_at + dt.timedelta(days=1)}
    written = import_writes.standards_upsert([row])
    stored.refresh_from_db()
    if connection.vendor == "postgresql":  # the guard: WHERE (…) IS DISTINCT FROM (…)
        assert written == {}
        assert stored.updated_at == row["updated_at"] - dt.timedelta(days=1)
    else:  # the plain path writes what the comparison in Python found changed
        assert written == {"JIS B 8445": stored.pk}


@pytest.mark.django_db
def test_an_unchanged_reimport_writes_nothing(django_assert_num_queries):
    _import(FIRST)
    _import(SECOND)
    history = Standard.history.count(), InternationalCorrespondence.history.count()
    report = selectors.catalog_read(_csv(SECOND), filename="catalog.csv")
    # Reads only, each once: the drafting bodies, the catalog, its ministry and body links, its
    # correspondences, the ministries' names; inside a savepoint (this test's transaction), and on
    # PostgreSQL the advisory lock with its timeout read, set and restored.
    queries = 8 + (4 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(queries) as captured:
        result = services.standards_import(
            records=report.records, columns=report.columns, amendments=report.amendments
        )
    assert (result.created, result.updated, result.unchanged) == ([], [], 5)
    verbs = ("INSERT", "UPDATE", "DELETE", "COPY", "CREATE", "DROP", "TRUNCATE")
    statements = [q["sql"].lstrip().upper() for q in captured.captured_queries]
    assert [sql for sql in statements if sql.startswith(verbs)] == []
    assert (Standard.history.count(), InternationalCorrespondence.history.count()) == history
