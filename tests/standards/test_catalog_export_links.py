"""The catalog page offers its list as CSV and XLSX, filtered as shown (issue #15: the export that
re-imports unchanged is one click from the catalog, not only an API address)."""

import html
import re

import pytest

from tests.standards.factories import StandardFactory

pytestmark = pytest.mark.django_db


def test_the_catalog_page_links_its_filtered_list_as_csv_and_xlsx(client, coordinator):
    StandardFactory(number="JIS B 8445", title_ja="ロボット")
    StandardFactory(number="JIS Z 8301", title_ja="規格票の様式")
    client.force_login(coordinator)
    page = client.get("/standards/?q=B8445").content.decode()
    links = dict(re.findall(r'href="([^"]+)" download data-export="(csv|xlsx)"', page))
    links = {fmt: html.unescape(href) for href, fmt in links.items()}
    assert set(links) == {"csv", "xlsx"}
    csv = b"".join(client.get(links["csv"]).streaming_content).decode("utf-8-sig")
    assert "JIS B 8445" in csv and "JIS Z 8301" not in csv
    xlsx = client.get(links["xlsx"])
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
