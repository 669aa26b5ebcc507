"""The lists an import (or its dry run) produces, as CSV files to download from its result page:
every change, the rejected rows to fix, every warning. Kept in the cache, for the coordinator who
imported, for KEEP_SECONDS; the page says what it shows and the files hold the rest."""

import secrets

from django.core.cache import cache
from django.utils.translation import gettext as _

from standards.exports import csv_lines
from standards.importing import CatalogReport, RowError, rejected_rows

KEEP_SECONDS = 3600
NAMES = ("changes", "rejects", "warnings")
_KEY = "standards:import-files:{token}"


def change_rows(result) -> tuple[list[str], list[list]]:
    header = [_("Number"), _("Field"), _("Before"), _("After")]
    return header, [[c.number, c.field, c.old, c.new] for c in result.changes]


def warning_rows(warnings: list[RowError]) -> tuple[list[str], list[list]]:
    header = [_("Line"), _("Column"), _("Value"), _("Warning")]
    return header, [[w.line, w.column, w.value, w.message] for w in warnings]


def all_warnings(report: CatalogReport, result) -> list[RowError]:
    """The reader's warnings and those found against the stored catalog, by line."""
    found = [*report.warnings, *(result.warnings if result else [])]
    return sorted(found, key=lambda w: w.line)


def import_files_keep(*, user, report: CatalogReport, result) -> dict[str, str]:
    """Keep the lists this import has as CSV text; returns {name: token} for the links."""
    tables = {}
    if result is not None and result.changes:
        tables["changes"] = change_rows(result)
    if report.rejected:
        tables["rejects"] = rejected_rows(report)
    if warnings := all_warnings(report, result):
        tables["warnings"] = warning_rows(warnings)
    if not tables:
        return {}
    token = secrets.token_urlsafe(16)
    files = {name: "".join(csv_lines(*table)) for name, table in tables.items()}
    cache.set(_KEY.format(token=token), {"user": user.pk, "files": files}, KEEP_SECONDS)
    return dict.fromkeys(files, token)


def import_file(*, user, token: str, name: str) -> str | None:
    """The CSV text kept for this user, or None when it has expired or is someone else's."""
    kept = cache.get(_KEY.format(token=token))
    if not kept or kept["user"] != user.pk:
        return None
    return kept["files"].get(name)
