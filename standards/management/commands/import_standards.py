"""python manage.py import_standards PATH [--dry-run] [--skip-invalid REJECTS.csv]"""

import csv
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from standards import services
from standards.importing import CatalogFileError, check_size


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
        for error in report.errors[:200]:
            self.stderr.write(str(error))
        if len(report.errors) > 200:
            self.stderr.write(f"… and {len(report.errors) - 200} more problems.")
        if skip_invalid:
            self._write_rejects(skip_invalid, report.errors)
        elif report.errors:
            raise CommandError(
                f"{len(report.errors)} invalid row(s) in {path}; nothing was imported."
            )
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(report.records)} valid row(s), {len(report.errors)} problem(s)."
            )
            return
        result = services.standards_import(records=report.records, reason=f"import {path.name}")
        summary = result.summary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged, {len(report.errors)} rejected."
            )
        )

    def _read(self, path: Path, progress):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            check_size(path.stat().st_size, settings.IMPORT_MAX_BYTES)
            with path.open("rb") as handle:
                data = handle.read(settings.IMPORT_MAX_BYTES + 1)
            return services.catalog_read(data, filename=path.name, progress=progress)
        except CatalogFileError as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from None

    def _write_rejects(self, path: Path, errors) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "column", "value", "reason"])
            for error in errors:
                writer.writerow([error.line, error.column, error.value, error.message])
        self.stdout.write(f"{len(errors)} rejected row(s) written to {path}.")
