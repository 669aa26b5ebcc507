"""python manage.py import_standards PATH [--dry-run] [--skip-invalid REJECTS.csv] [--changes CHANGES.csv]
[--follow-on-worker]

What follows from an import (open survey assignments of withdrawn standards withdrawn, priority
verdicts and alignments recomputed) is done here, before the command ends, however large the
import: a command holds no request up, and may run where no worker does. --follow-on-worker hands
it to the worker instead, as the import screen does past standards.services.FOLLOW_AT_ONCE_UP_TO.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from standards import selectors, services
from standards.catalog_files import CatalogFileError, check_size
from standards.exports import write_csv
from standards.import_files import all_warnings, change_rows
from standards.importing import rejected_rows

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = "Import or update standards from a CSV (UTF-8 or Shift_JIS) or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and list every change the import would make; write nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            type=Path,
            metavar="REJECTS.csv",
            help="Import the valid rows and write the invalid ones, with reasons, to this CSV.",
        )
        parser.add_argument(
            "--changes",
            type=Path,
            metavar="CHANGES.csv",
            help="Write every change (standard, field, before, after) to this CSV.",
        )
        parser.add_argument(
            "--follow-on-worker",
            action="store_true",
            help="Leave what follows from the changes (survey assignments of withdrawn standards, "
            "priority verdicts, alignments) to the Celery worker instead of doing it before the "
            "command ends.",
        )

    def handle(
        self,
        *args,
        path: Path,
        dry_run: bool,
        skip_invalid,
        changes,
        follow_on_worker: bool = False,
        **options,
    ):
        from tqdm import tqdm

        with tqdm(
            unit=" rows", desc="validating", disable=not sys.stderr.isatty(), file=sys.stderr
        ) as bar:
            report = self._read(path, progress=bar.update)
        self._list(report.errors, report.problem_count, _("… and %(count)d more problems."))
        if skip_invalid:
            count = self._write_csv(skip_invalid, rejected_rows(report))
            self.stdout.write(
                _("%(count)d rejected row(s) written to %(path)s.")
                % {"count": count, "path": skip_invalid}
            )
        elif report.errors:
            raise CommandError(
                _("%(count)d invalid row(s) in %(path)s; nothing was imported.")
                % {"count": len(report.rejected), "path": path}
            )
        try:
            result = services.standards_import(
                records=report.records,
                columns=report.columns,
                amendments=report.amendments,
                reason=f"import {path.name}",
                dry_run=dry_run,
                number_column=report.headers.get("number", "number"),
                follow_on_worker=follow_on_worker,
            )
        except services.ImportInProgress as exc:
            raise CommandError(f"{path}: {exc}") from None
        warnings = all_warnings(report, result)
        self._list(
            [_("warning: %(warning)s") % {"warning": w} for w in warnings],
            len(warnings) + report.more_warnings,
            _("… and %(count)d more warnings."),
        )
        if dry_run:
            for change in result.changes:
                self.stdout.write(_shown(change))
        if changes:
            count = self._write_csv(changes, change_rows(result))
            self.stdout.write(
                _("%(count)d change(s) written to %(path)s.") % {"count": count, "path": changes}
            )
        counts = {
            "name": path.name,
            "rejected": len(report.rejected),
            "warnings": len(warnings) + report.more_warnings,
            **result.summary(),
            **result.details(),
        }
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run: %(valid)d valid row(s), %(invalid)d invalid row(s); nothing was written."
                )
                % {"valid": len(report.records), "invalid": len(report.rejected)}
            )
            self.stdout.write(
                _(
                    "The import would make: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported %(name)s: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged, %(rejected)d rejected."
                    )
                    % counts
                )
            )
        self.stdout.write(
            _(
                "%(warnings)d warning(s); %(not_planned)d TS/TR document(s), outside the five-year "
                "plan; %(amendments)d amendment(s); %(older)d older edition(s) not applied."
            )
            % counts
        )
        if not dry_run and (result.created or result.updated):
            self.stdout.write(
                _(
                    "What follows from these changes (open survey assignments of withdrawn "
                    "standards, priority verdicts, international alignment) is left to the "
                    "worker, which brings it up to date in the background."
                )
                if result.followed_on_worker
                else _(
                    "What follows from these changes (open survey assignments of withdrawn "
                    "standards, priority verdicts, international alignment) is up to date."
                )
            )

    def _list(self, lines: list, total: int, more: str) -> None:
        for line in lines[:SHOWN_PROBLEMS]:
            self.stderr.write(str(line))
        if total > SHOWN_PROBLEMS:
            self.stderr.write(more % {"count": total - SHOWN_PROBLEMS})

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

    def _write_csv(self, path: Path, table: tuple[list, list]) -> int:
        header, rows = table
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(handle, header, rows)
        return len(rows)


def _shown(change) -> str:
    if not change.field:
        return f"{change.number}: {change.new}"
    return f"{change.number}: {change.field}: {change.old} → {change.new}"
