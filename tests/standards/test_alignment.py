"""International alignment in the catalog: the import (both formats, re-imports, dry runs, bad
files), the recompute, and the alignment on the standard's page, the list filter, the API and the
exports, with their query counts."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from standards.alignment.files import read_international
from standards.alignment.services import alignments_recompute, international_import
from standards.models import InternationalStandard, StandardAlignment
from tests.conftest import in_english
from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PLAIN = (
    "reference,published_on,status,replaced_by\n"
    "ISO 13482:2014,2014-02-01,withdrawn,ISO 13482:2025\n"
    "ISO 13482:2025,2025-03-01,current,\n"
    "ISO 17100:2015,2015-05-01,current,\n"
    "ISO 4068:1978,1978-01-01,withdrawn,\n"
    "IEC 60947-2:2016,2016-06-01,current,\n"
)


def load(text: str = PLAIN, **kwargs):
    report = read_international(text.encode(), filename="data.csv", today=TODAY)
    assert report.ok, report.errors
    return international_import(records=report.records, **kwargs)


@pytest.fixture
def catalog():
    return {
        "robot": StandardFactory(number="JIS B 8445", correspondences=[("ISO 13482:2014", "IDT")]),
        "translation": StandardFactory(
            number="JIS Y 17100", correspondences=[("ISO 17100:2015", "IDT")]
        ),
        # several counterparts: one aligned, one withdrawn, one unknown → withdrawn
        "mixed": StandardFactory(
            number="JIS A 0150",
            ministries=["MLIT"],
            correspondences=[
                ("IEC 60947-2:2016", "MOD"),
                ("ISO 4068:1978", "NEQ"),
                ("ISO 7519:1991", "NEQ"),
            ],
        ),
        "unknown": StandardFactory(number="JIS Q 9001", correspondences=[("ISO 9001:2015", "IDT")]),
        "none": StandardFactory(number="JIS B 7922"),
    }


def statuses() -> dict[str, str]:
    return dict(StandardAlignment.objects.values_list("standard__number", "status"))


def test_import_then_recompute_gives_each_status(catalog):
    result = load()
    assert result.summary() == {"created": 5, "updated": 0, "unchanged": 0}
    alignments_recompute()
    assert statuses() == {
        "JIS B 8445": "revised",
        "JIS Y 17100": "aligned",
        "JIS A 0150": "withdrawn",
        "JIS Q 9001": "unknown",
    }
    robot = StandardAlignment.objects.get(standard=catalog["robot"])
    assert (robot.newer_reference, str(robot.newer_published_on)) == (
        "ISO 13482:2025",
        "2025-03-01",
    )
    mixed = StandardAlignment.objects.get(standard=catalog["mixed"])
    assert [(c["designation"], c["degree"], c["status"]) for c in mixed.counterparts] == [
        ("IEC 60947-2:2016", "MOD", "aligned"),
        ("ISO 4068:1978", "NEQ", "withdrawn"),
        ("ISO 7519:1991", "NEQ", "unknown"),
    ]


def test_a_reimport_updates_in_place_and_keeps_what_it_does_not_name(catalog):
    load()
    alignments_recompute()
    # ISO 17100 gets a newer edition; IEC's rows are not in this file and stay
    result = load(
        "reference,published_on,status,replaced_by\n"
        "ISO 17100:2015,2015-05-01,withdrawn,ISO 17100:2026\n"
        "ISO 17100:2026,2026-02-01,current,\n"
        "ISO 13482:2025,2025-03-01,current,\n"
    )
    assert result.summary() == {"created": 1, "updated": 1, "unchanged": 1}
    assert InternationalStandard.objects.count() == 6
    assert InternationalStandard.objects.get(reference="ISO 17100:2015").status == "withdrawn"
    alignments_recompute()
    assert statuses()["JIS Y 17100"] == "revised"
    assert statuses()["JIS A 0150"] == "withdrawn"


def test_a_dry_run_writes_nothing():
    result = load(dry_run=True)
    assert result.summary()["created"] == 5
    assert not InternationalStandard.objects.exists()


def test_recompute_of_some_standards_follows_their_correspondences(catalog):
    load()
    alignments_recompute()
    catalog["translation"].correspondences.all().delete()
    alignments_recompute(standard_ids=[catalog["translation"].pk])
    assert "JIS Y 17100" not in statuses()
    assert statuses()["JIS B 8445"] == "revised"


def test_the_import_enqueues_the_recompute_after_commit(django_capture_on_commit_callbacks):
    called = []
    with django_capture_on_commit_callbacks(execute=True):
        load(on_commit=lambda: called.append(True))
    assert called == [True]
    with django_capture_on_commit_callbacks(execute=True):
        load(on_commit=lambda: called.append(True))  # nothing changed: no recompute
    assert called == [True]


def test_the_demo_files_match_the_demo_catalog_shape():
    """Every status occurs when the generated files are read against their own references."""
    iso = read_international(
        (FIXTURES / "iso_open_data_demo.jsonl").read_bytes(), filename="x.jsonl", today=TODAY
    )
    plain = read_international(
        (FIXTURES / "international_demo.csv").read_bytes(), filename="x.csv", today=TODAY
    )
    assert iso.ok and plain.ok
    by_reference = {r.reference: r for r in iso.records}
    assert by_reference["ISO 13482:2014"].replaced_by == "ISO 13482:2025"
    assert by_reference["ISO 17100:2015"].status == "current"
    assert {r.status for r in plain.records} == {"current", "withdrawn"}


# --- the command ------------------------------------------------------------------------------


def test_command_imports_and_dry_runs(tmp_path, catalog):
    path = tmp_path / "iec.csv"
    path.write_text(PLAIN, encoding="utf-8")
    out = io.StringIO()
    call_command("import_international", str(path), "--dry-run", stdout=out)
    assert "5 created" in out.getvalue() and not InternationalStandard.objects.exists()
    call_command("import_international", str(path), stdout=out)
    assert InternationalStandard.objects.count() == 5


def test_command_refuses_a_bad_file_naming_line_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(PLAIN + "ISO 1:2000,2000-01-01,obsolete,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_international", str(path), stderr=err)
    assert "line 7, column status, value 「obsolete」" in err.getvalue()
    assert not InternationalStandard.objects.exists()


# --- pages, filter, API, exports -------------------------------------------------------------


@pytest.fixture
def aligned(catalog):
    load()
    alignments_recompute()
    return catalog


def test_coordinator_screen_imports_and_others_are_refused(client, coordinator, reviewer):
    client.force_login(reviewer)
    assert client.get("/standards/international/").status_code == 403
    client.force_login(in_english(client) and coordinator)
    upload = SimpleUploadedFile("iec.csv", PLAIN.encode(), content_type="text/csv")
    response = client.post("/standards/international/", {"file": upload})
    assert response.status_code == 200
    assert "5 created, 0 updated, 0 unchanged" in response.content.decode()
    assert InternationalStandard.objects.count() == 5


def test_coordinator_screen_lists_the_rejected_rows(client, coordinator):
    client.force_login(coordinator)
    in_english(client)
    upload = SimpleUploadedFile("bad.csv", (PLAIN + "ISO 1:2000,someday,current,\n").encode())
    page = client.post("/standards/international/", {"file": upload}).content.decode()
    assert "Nothing was written." in page and "someday" in page
    assert not InternationalStandard.objects.exists()


def test_standard_page_shows_each_counterpart(client, reviewer, aligned):
    client.force_login(reviewer)
    in_english(client)
    page = client.get(aligned["robot"].get_absolute_url()).content.decode()
    assert "International standard revised" in page
    assert "ISO 13482:2025" in page and "2025-03-01" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("revised", ["JIS B 8445"]),
        ("aligned", ["JIS Y 17100"]),
        ("withdrawn", ["JIS A 0150"]),
        ("unknown", ["JIS Q 9001"]),
        ("", ["JIS A 0150", "JIS B 7922", "JIS B 8445", "JIS Q 9001", "JIS Y 17100"]),
    ],
)
def test_api_filter_and_fields(client, reviewer, aligned, value, expected):
    client.force_login(reviewer)
    results = client.get(f"/api/standards/?alignment={value}&ordering=number").json()["results"]
    assert [r["number"] for r in results] == expected
    robot = next((r for r in results if r["number"] == "JIS B 8445"), None)
    if robot:
        assert robot["alignment"] == "revised"
        assert robot["newer_edition"] == {
            "reference": "ISO 13482:2025",
            "published_on": "2025-03-01",
        }


def test_api_fields_without_a_counterpart_are_null(client, reviewer, aligned):
    client.force_login(reviewer)
    row = client.get("/api/standards/?q=B7922").json()["results"][0]
    assert (row["alignment"], row["newer_edition"]) == (None, None)


def test_catalog_page_filters_and_shows_the_newer_edition(client, reviewer, aligned):
    client.force_login(reviewer)
    in_english(client)
    page = client.get("/standards/?alignment=revised").content.decode()
    assert "JIS B 8445" in page and "JIS Y 17100" not in page
    assert "ISO 13482:2025 (2025-03-01)" in page


def test_csv_export_has_the_alignment_and_the_newer_edition(client, ministry_viewer, aligned):
    client.force_login(ministry_viewer)
    in_english(client)
    response = client.get("/api/standards/?alignment=revised&format=csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [
        (r["Number"], r["International alignment"], r["Newer international edition"]) for r in rows
    ] == [("JIS B 8445", "International standard revised", "ISO 13482:2025 (2025-03-01)")]


def test_the_export_imports_again(client, coordinator, aligned):
    """The alignment columns are computed: the catalog import skips them."""
    client.force_login(coordinator)
    exported = b"".join(client.get("/api/standards/?format=csv").streaming_content)
    upload = SimpleUploadedFile("export.csv", exported, content_type="text/csv")
    response = client.post("/standards/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["report"].ok, response.context["report"].errors


def test_api_list_queries_do_not_grow(client, reviewer, aligned, django_assert_max_num_queries):
    for n in range(30):
        StandardFactory(number=f"JIS C {7000 + n}", correspondences=[("ISO 13482:2014", "IDT")])
    alignments_recompute()
    client.force_login(reviewer)
    client.get("/api/standards/")
    # user, count, page (with the alignment joined), ministries, correspondences
    with django_assert_max_num_queries(5):
        response = client.get("/api/standards/?alignment=revised&page_size=50")
    assert len(response.json()["results"]) == 31


def test_catalog_page_queries_do_not_grow(client, reviewer, aligned, django_assert_max_num_queries):
    for n in range(30):
        StandardFactory(number=f"JIS C {7000 + n}", correspondences=[("ISO 13482:2014", "IDT")])
    alignments_recompute()
    client.force_login(reviewer)
    client.get("/standards/")
    with django_assert_max_num_queries(8):
        response = client.get("/standards/?alignment=revised&page_size=50")
    assert response.content.decode().count("ISO 13482:2025") == 31


def test_schema_describes_the_alignment(client, reviewer):
    client.force_login(reviewer)
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["Standard"]["properties"]
    assert {"alignment", "newer_edition"} <= set(fields)
    params = {p["name"] for p in schema["paths"]["/api/standards/"]["get"]["parameters"]}
    assert "alignment" in params


def test_a_catalog_change_sends_its_standards_to_the_worker(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "standards.alignment.receivers.enqueue_recompute", lambda ids: sent.append(ids)
    )
    with django_capture_on_commit_callbacks(execute=True):
        standard = StandardFactory(correspondences=[("ISO 13482:2014", "IDT")])
    assert sent == [[standard.pk]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_run_one_after_the_other():
    """The first import holds its transaction open until the second is seen waiting on the lock;
    without it, the second would insert the same references (IntegrityError)."""
    import threading
    import time

    from django.db import connection, connections, transaction

    report = read_international(PLAIN.encode(), filename="data.csv", today=TODAY)
    outcome, second_pid = {}, {}

    def second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid["pid"] = cursor.fetchone()[0]
            outcome["second"] = international_import(records=report.records).summary()
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connections.close_all()

    def waiting() -> bool:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh within this transaction
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [second_pid.get("pid", 0)],
            )
            row = cursor.fetchone()
        return bool(row) and row[0] == "Lock"

    with transaction.atomic():
        first = international_import(records=report.records).summary()
        thread = threading.Thread(target=second)
        thread.start()
        deadline = time.monotonic() + 20
        while not waiting():
            assert time.monotonic() < deadline, f"the second import never waited: {outcome}"
            time.sleep(0.02)
    thread.join(20)
    assert first == {"created": 5, "updated": 0, "unchanged": 0}
    assert outcome["second"] == {"created": 0, "updated": 0, "unchanged": 5}


def test_with_the_broker_down_the_recompute_is_done_at_once(
    monkeypatch, tmp_path, catalog, django_capture_on_commit_callbacks
):
    """No periodic task recomputes alignments: an import whose recompute cannot be queued must
    not leave them stale until the next import."""
    from standards.alignment import tasks

    def refused(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.recompute_alignments, "apply_async", refused)
    path = tmp_path / "iec.csv"
    path.write_text(PLAIN, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_international", str(path), stdout=io.StringIO())
    assert statuses()["JIS B 8445"] == "revised"


def test_ministry_viewers_are_refused_the_import_screen(client, ministry_viewer):
    client.force_login(ministry_viewer)
    assert client.get("/standards/international/").status_code == 403
    upload = SimpleUploadedFile("iec.csv", PLAIN.encode(), content_type="text/csv")
    assert client.post("/standards/international/", {"file": upload}).status_code == 403
    assert not InternationalStandard.objects.exists()


def test_the_screen_refuses_a_file_over_the_upload_limit(client, coordinator, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(coordinator)
    in_english(client)
    upload = SimpleUploadedFile("iec.csv", PLAIN.encode(), content_type="text/csv")
    page = client.post("/standards/international/", {"file": upload}).content.decode()
    assert "the limit is" in page
    assert not InternationalStandard.objects.exists()
