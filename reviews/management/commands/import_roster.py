"""python manage.py import_roster PATH [--dry-run] [--deactivate-missing]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reviews.roster import services
from reviews.roster.rows import ROLE_LABELS
from standards.catalog_files import CatalogFileError, check_size
from standards.dates import fiscal_year_label

SHOWN = 200


class Command(BaseCommand):
    help = (
        "Import the roster of reviewers, ministry viewers and coordinators from a CSV (UTF-8 or "
        "Shift_JIS) or XLSX file: people, roles and routing rules, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be created, changed and deactivated, and the coverage gaps; "
            "write nothing.",
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the people with a role whom the file does not name (their history "
            "is kept; their open assignments go back to routing).",
        )

    def handle(self, *args, path: Path, dry_run: bool, deactivate_missing: bool, **options):
        data = self._read(path)
        try:
            result = services.roster_import(
                rows_or_file=data,
                by=None,
                dry_run=dry_run,
                deactivate_missing=deactivate_missing,
                filename=path.name,
            )
        except CatalogFileError as exc:
            raise CommandError(
                _("%(path)s: %(error)s Nothing was imported.") % {"path": path, "error": exc}
            ) from None
        report = result.report
        for warning in report.warnings[:SHOWN]:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if len(report.warnings) > SHOWN:
            self.stderr.write(
                _("… and %(count)d more warnings.") % {"count": len(report.warnings) - SHOWN}
            )
        if not result.ok:
            for error in report.errors[:SHOWN]:
                self.stderr.write(str(error))
            if report.problem_count > SHOWN:
                self.stderr.write(
                    _("… and %(count)d more problems.") % {"count": report.problem_count - SHOWN}
                )
            raise CommandError(
                _("%(count)d problem(s) in %(path)s; nothing was imported.")
                % {"count": report.problem_count, "path": path}
            )
        if dry_run:
            self._list(result)
        self._summary(result, path)
        self._coverage(result.coverage)

    def _read(self, path: Path) -> bytes:
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        try:
            check_size(path.stat().st_size, min(services.MAX_BYTES, settings.IMPORT_MAX_BYTES))
        except CatalogFileError as exc:
            raise CommandError(
                _("%(path)s: %(error)s Nothing was imported.") % {"path": path, "error": exc}
            ) from None
        return path.read_bytes()

    def _list(self, result) -> None:
        for person in result.created:
            self.stdout.write(
                _("create: %(email)s %(name)s (%(role)s)")
                % {"email": person.email, "name": person.name, "role": ROLE_LABELS[person.role]}
            )
        for update in result.updated:
            changes = "; ".join(
                f"{c.label}: {c.before or '—'} → {c.after or '—'}" for c in update.changes
            )
            self.stdout.write(
                _("change: %(email)s: %(changes)s")
                % {"email": update.person.email, "changes": changes}
            )
        for user in result.deactivated:
            self.stdout.write(_("deactivate: %(email)s") % {"email": user.email})

    def _summary(self, result, path: Path) -> None:
        counts = {
            "name": path.name,
            "created": len(result.created),
            "changed": len(result.updated),
            "unchanged": result.unchanged,
            "deactivated": len(result.deactivated),
            "kept": result.missing_kept,
        }
        if result.dry_run:
            line = _(
                "Dry run, nothing was written. The import would make: %(created)d created, "
                "%(changed)d changed, %(unchanged)d unchanged, %(deactivated)d deactivated."
            )
            self.stdout.write(line % counts)
        else:
            line = _(
                "Imported %(name)s: %(created)d created (invited), %(changed)d changed, "
                "%(unchanged)d unchanged, %(deactivated)d deactivated."
            )
            self.stdout.write(self.style.SUCCESS(line % counts))
        if result.missing_kept:
            self.stdout.write(
                _(
                    "%(kept)d person(s) with a role are not in the file and were kept; "
                    "--deactivate-missing deactivates them."
                )
                % counts
            )
        self.stdout.write(_("%(count)d warning(s).") % {"count": len(result.report.warnings)})

    def _coverage(self, coverage) -> None:
        this, following = (
            fiscal_year_label(coverage.fiscal_year),
            fiscal_year_label(coverage.fiscal_year + 1),
        )
        self.stdout.write(
            _(
                "Coverage: %(gaps)d of %(bodies)d drafting bodies have nobody to answer "
                "(%(year)s: %(this)d standards, %(next)s: %(next_count)d standards)."
            )
            % {
                "gaps": len(coverage.gaps),
                "bodies": coverage.bodies,
                "year": this,
                "this": coverage.gap_standards_this_year,
                "next": following,
                "next_count": coverage.gap_standards_next_year,
            }
        )
        for gap in coverage.gaps:
            counts = _("%(count)d active standard(s)") % {"count": gap.standards}
            self.stdout.write(
                f"  {gap.name}\t{this}: {gap.this_year}\t{following}: {gap.next_year}\t{counts}"
            )
