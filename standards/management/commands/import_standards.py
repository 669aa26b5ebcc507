"""python manage.py import_standards PATH [--dry-run] [--skip-invalid REJECTS.csv]"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from standards import selectors, services
from standards.catalog_files import CatalogFileError, check_size
from standards.exports import write_csv
from standards.importing import rejected_rows

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = "Import or update standards from a CSV (UTF-8 or Shift_JIS) or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            type=Path,
            metavar="REJECTS.csv",
            help="Import the valid rows and write the invalid ones, with reasons, to this CSV.",
        )

    def handle(self, *args, path: Path, dry_run: bool, skip_invalid: Path | None, **options):
        from tqdm import tqdm

        with tqdm(
            unit=" rows", desc="validating", disable=not sys.stderr.isatty(), file=sys.stderr
        ) as bar:
            report = self._read(path, progress=bar.update)
        for error in report.errors[:SHOWN_PROBLEMS]:
            self.stderr.write(str(error))
        if report.problem_count > SHOWN_PROBLEMS:
            self.stderr.write(
                _("… and %(count)d more problems.")
                % {"count": report.problem_count - SHOWN_PROBLEMS}
            )
        if skip_invalid:
            self._write_rejects(skip_invalid, report)
        elif report.errors:
            raise CommandError(
                _("%(count)d invalid row(s) in %(path)s; nothing was imported.")
                % {"count": len(report.rejected), "path": path}
            )
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run: %(valid)d valid row(s), %(invalid)d invalid row(s); nothing was written."
                )
                % {"valid": len(report.records), "invalid": len(report.rejected)}
            )
            return
        try:
            result = services.standards_import(
                records=report.records, columns=report.columns, reason=f"import {path.name}"
            )
        except services.ImportInProgress as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(name)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(rejected)d rejected."
                )
                % {"name": path.name, "rejected": len(report.rejected), **result.summary()}
            )
        )

    def _read(self, path: Path, progress):
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        try:
            check_size(path.stat().st_size, settings.IMPORT_MAX_BYTES)
            with path.open("rb") as handle:
                data = handle.read(settings.IMPORT_MAX_BYTES + 1)
            return selectors.catalog_read(data, filename=path.name, progress=progress)
        except CatalogFileError as exc:
            raise CommandError(
                _("%(path)s: %(error)s Nothing was imported.") % {"path": path, "error": exc}
            ) from None

    def _write_rejects(self, path: Path, report) -> None:
        header, rows = rejected_rows(report)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(handle, header, rows)
        self.stdout.write(
            _("%(count)d rejected row(s) written to %(path)s.") % {"count": len(rows), "path": path}
        )
