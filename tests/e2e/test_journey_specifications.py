"""METI's viewer and their specifications in Chromium, at 1280 px and 375 px, in Japanese and
English: several files uploaded at once are scanned by the worker while the page follows them; each
document shows its citations with status and page; the fix-it list downloads as CSV; the standard's
page shows the evidence; the cited standards no survey has reached are listed as candidates. The page never scrolls sideways. Screenshots go to
var/screenshots/specifications/ for a person to look at."""

import csv
import io
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from jisreview.celery import app
from standards.models import Standard
from standards.specifications.models import SpecificationDocument
from tests.brokers import private_broker  # noqa: F401 (the fixture)
from tests.standards.specifications import CORPUS, load_test_catalog

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_broker"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "specifications"
FILES = ["kenchiku_hyojun_shiyosho.pdf", "it_chotatsu_shiyosho.docx", "chotatsu_kokuji.txt"]


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}{reverse('login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_have_text(user.username)


def _fits(page, where: str) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{where} scrolls sideways: {width} px wide in {viewport} px"


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_meti_viewer_uploads_specifications_and_reads_the_evidence(
    live_server, browser, ministry_viewer, width, language
):
    load_test_catalog()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="ja-JP", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    words = {
        "ja": {"superseded": "旧版", "withdrawn": "廃止", "evidence": "調達仕様書で引用"},
        "en": {
            "superseded": "superseded",
            "withdrawn": "withdrawn",
            "evidence": "Cited in procurement specifications",
        },
    }[language]

    def shot(step: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / f"{language}-{width}-{step}.png"), full_page=True)
        _fits(page, f"{language} {width} px {step}")

    try:
        _log_in(page, live_server.url, ministry_viewer)
        # Given METI's viewer on the specifications screen (through the menu on a narrow screen)
        if width < 800:
            page.locator(".menu-toggle").click()
        page.locator(f"#site-nav a[href='{reverse('standards:specifications')}']").click()
        expect(page.locator("#id_ministry")).to_have_value("METI")
        shot("1-upload")

        # When they choose several files at once and upload them, the page follows the scans …
        page.set_input_files("#id_files", [str(CORPUS / name) for name in FILES])
        page.locator(".upload-form button[type=submit]").click()
        expect(page.locator(".just-uploaded li")).to_have_count(3)
        shot("2-waiting")
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # … and shows each one done, without a reload by hand
            expect(page.locator(".just-uploaded .scan-done")).to_have_count(3, timeout=40_000)
        shot("3-scanned")

        # Then each document lists its citations with status and page
        pdf = SpecificationDocument.objects.get(file_name=FILES[0])
        page.locator(f".just-uploaded a[href='{pdf.get_absolute_url()}']").click()
        rows = page.locator("table.citations tbody tr")
        expect(rows).to_have_count(pdf.citations.count())
        expect(rows.first.locator("td").first).to_have_text("1")
        expect(page.locator("table.citations .cite-status").first).to_be_visible()
        shot("4-citations")

        # The fix-it list names what to put right, and downloads as CSV
        page.goto(f"{live_server.url}{reverse('standards:specification-fix-it')}")
        expect(page.locator("table.fix-it")).to_contain_text(words["superseded"])
        shot("5-fix-it")
        with page.expect_download() as download:
            page.locator("a[href^='/standards/specifications/fix-it.csv']").click()
        body = Path(download.value.path()).read_bytes()
        assert body.startswith(b"\xef\xbb\xbf")
        _header, *lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        expected = SpecificationDocument.objects.filter(
            citations__status__in=("withdrawn", "superseded")
        ).count()
        assert len(lines) == expected > 0

        # The cited standard's page shows the evidence
        cited = pdf.citations.exclude(standard=None).first().standard
        page.goto(f"{live_server.url}{reverse('standards:detail', args=[cited.pk])}")
        panel = page.locator("#procurement-evidence")
        expect(panel).to_contain_text(words["evidence"])
        expect(panel.locator("table.evidence tbody tr").first).to_contain_text(pdf.title)
        panel.scroll_into_view_if_needed()
        shot("6-evidence")
        assert Standard.objects.filter(pk=cited.pk, priority__cited_documents__gte=1).exists()

        # No survey has reached these standards yet: they are the candidates for the next batch
        page.goto(f"{live_server.url}{reverse('reviews:specification-candidates')}")
        expect(page.locator("table.candidates")).to_contain_text(cited.number)
        shot("7-not-surveyed")
    finally:
        context.close()
