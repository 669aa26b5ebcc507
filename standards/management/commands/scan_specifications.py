"""python manage.py scan_specifications PATH... [--ministry CODE] [--title TEXT] [--dry-run]
[--output citations.csv]: the JIS that procurement specifications cite, and whether each citation
is current, superseded, withdrawn or unknown to the catalog."""

import csv
import logging
import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from standards.citations import CitationStatus
from standards.documents import UnreadableDocument
from standards.exports import safe_cell
from standards.models import Ministry
from standards.scanning import DocumentScan, specification_scan
from standards.specifications import services

# The first seven are fixed (other tools read them by position); more may follow.
CSV_COLUMNS = [
    "document",
    "page",
    "citation",
    "number",
    "edition_year",
    "status",
    "context",
    "current_edition_year",
]


def store_scan(scan: DocumentScan, *, ministry: Ministry | None, title: str | None) -> str:
    """Keep a document read, with its citations, for `ministry` (as an upload from the screen
    would be): "stored", "already" (the same content is kept for the ministry) or "not stored"
    (no --ministry given)."""
    if ministry is None:
        return "not stored"
    _document, created = services.specification_store(scan=scan, ministry=ministry, title=title)
    return "stored" if created else "already"


class Command(BaseCommand):
    help = (
        "Find every JIS cited in specification documents (PDF, DOCX, XLSX, HTML, text; files or "
        "folders) and check each citation against the catalog."
    )
    store = staticmethod(store_scan)

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--ministry",
            metavar="CODE",
            help="The ministry the documents are from; with it, each document read is stored.",
        )
        parser.add_argument("--title", help="A title kept with each document (default: its name).")
        parser.add_argument("--dry-run", action="store_true", help="Read and report; keep nothing.")
        parser.add_argument(
            "--output",
            type=Path,
            metavar="CITATIONS.csv",
            help="Write one row per citation to this CSV (UTF-8 with BOM).",
        )

    def handle(self, *args, paths, ministry, title, dry_run, output, **options):
        from tqdm import tqdm

        ministry = self._ministry(ministry)
        # pypdf warns of every irregularity it works around; a file it cannot read is reported in
        # the summary with the reason, so its warnings would only hide the progress bar.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        documents, skipped = _documents(paths)
        counts = dict.fromkeys(CitationStatus, 0)
        stored = Counter()
        read = 0
        with _CsvOut(output) as rows:
            bar = tqdm(documents, unit=" files", disable=not sys.stderr.isatty(), file=sys.stderr)
            for path, name in bar:
                bar.set_postfix_str(name[-40:], refresh=False)
                try:
                    scan = specification_scan(path, name=name)
                except UnreadableDocument as exc:
                    skipped.append((name, exc.reason, exc.message))
                    continue
                read += 1
                rows.write(scan)
                for status, count in scan.counts().items():
                    counts[status] += count
                if not dry_run:
                    stored[self.store(scan, ministry=ministry, title=title)] += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(
                        _("%(name)s: %(count)d citation(s)")
                        % {"name": name, "count": len(scan.citations)}
                    )
        self._summary(read, skipped, counts, output)
        if not dry_run:
            self._stored(stored)
        if skipped:
            raise CommandError(
                _("%(count)d document(s) could not be read; see above.") % {"count": len(skipped)},
                returncode=1,
            )

    def _ministry(self, code: str | None) -> Ministry | None:
        if code is None:
            return None
        ministry = Ministry.objects.filter(code__iexact=code).first()
        if ministry is None:
            codes = ", ".join(Ministry.objects.values_list("code", flat=True))
            raise CommandError(
                _("No ministry has the code %(code)s; the codes are %(codes)s.")
                % {"code": code, "codes": codes}
            )
        return ministry

    def _stored(self, stored: Counter) -> None:
        if stored["not stored"]:
            self.stdout.write(
                _("Nothing was stored: give --ministry CODE to keep the documents, or --dry-run.")
            )
        elif stored:
            self.stdout.write(
                _("Stored: %(stored)d new document(s); %(already)d already kept for the ministry.")
                % {"stored": stored["stored"], "already": stored["already"]}
            )

    def _summary(self, read: int, skipped: list, counts: dict, output: Path | None) -> None:
        self.stdout.write(
            _("Documents read: %(read)d; skipped: %(skipped)d.")
            % {"read": read, "skipped": len(skipped)}
        )
        for name, reason, message in skipped:
            self.stdout.write(f"  {name}: [{reason}] {message}")
        self.stdout.write(
            _(
                "Citations: %(total)d — current %(current)d, superseded %(superseded)d, "
                "withdrawn %(withdrawn)d, unknown %(unknown)d."
            )
            % {"total": sum(counts.values()), **{str(status): n for status, n in counts.items()}}
        )
        if output:
            self.stdout.write(_("Written to %(path)s.") % {"path": output})


def _documents(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str, str]]]:
    """(file, name shown) for every file given or found under a folder given, and the paths that
    are neither. Under a folder, hidden files and Office's lock files (~$…) are left out."""
    documents, missing = [], []
    for path in paths:
        if path.is_file():
            documents.append((path, path.name))
        elif path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if found.is_file() and not _hidden(relative):
                    documents.append((found, relative.as_posix()))
        else:
            missing.append((str(path), "missing", _("No such file or folder.")))
    return documents, missing


def _hidden(relative: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in relative.parts)


class _CsvOut:
    """The --output file, one row per citation, written as each document is read."""

    def __init__(self, path: Path | None):
        self.path = path
        self.handle = None

    def __enter__(self):
        if self.path:
            try:
                self.handle = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": self.path, "error": exc}
                ) from None
            self.writer = csv.writer(self.handle)
            self.writer.writerow(CSV_COLUMNS)
        return self

    def __exit__(self, *exc_info):
        if self.handle:
            self.handle.close()

    def write(self, scan: DocumentScan) -> None:
        if not self.handle:
            return
        for item in scan.citations:
            citation = item.citation
            row = [
                scan.name,
                str(citation.location or ""),
                citation.text,
                citation.number,
                citation.edition_year or "",
                str(item.status),
                citation.context,
                item.catalog_edition_year or "",
            ]
            self.writer.writerow([safe_cell(value) for value in row])
