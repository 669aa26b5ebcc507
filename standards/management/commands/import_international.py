"""python manage.py import_international PATH [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from standards.alignment import selectors, services
from standards.alignment.files import MAX_BYTES
from standards.alignment.tasks import enqueue_recompute
from standards.catalog_files import CatalogFileError, check_size

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import international standards (ISO open data as JSON lines or CSV, or a CSV with "
        "reference,published_on,status,replaced_by); alignments are then recomputed on the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count; write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        try:
            check_size(path.stat().st_size, MAX_BYTES)
            report = selectors.international_read(path.read_bytes(), filename=path.name)
        except CatalogFileError as exc:
            raise CommandError(
                _("%(path)s: %(error)s Nothing was imported.") % {"path": path, "error": exc}
            ) from None
        for error in report.errors[:SHOWN_PROBLEMS]:
            self.stderr.write(str(error))
        if report.problem_count > SHOWN_PROBLEMS:
            self.stderr.write(
                _("… and %(count)d more problems.")
                % {"count": report.problem_count - SHOWN_PROBLEMS}
            )
        if not report.ok:
            raise CommandError(
                _("%(count)d problem(s) in %(path)s; nothing was imported.")
                % {"count": report.problem_count, "path": path}
            )
        result = services.international_import(
            records=report.records, dry_run=dry_run, on_commit=enqueue_recompute
        )
        counts = {
            "name": path.name,
            "format": report.format,
            "drafts": report.drafts,
            "supplements": report.supplements,
            "other_kinds": report.other_kinds,
            **result.summary(),
        }
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run of %(name)s (%(format)s): the import would make %(created)d created, "
                    "%(updated)d updated, %(unchanged)d unchanged; nothing was written."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported %(name)s (%(format)s): %(created)d created, %(updated)d "
                        "updated, %(unchanged)d unchanged. Alignments are recomputed on the worker."
                    )
                    % counts
                )
            )
        self.stdout.write(
            _(
                "Skipped: %(drafts)d draft(s) not yet published, %(supplements)d amendment "
                "row(s), %(other_kinds)d deliverable(s) of a kind no JIS cites."
            )
            % counts
        )
