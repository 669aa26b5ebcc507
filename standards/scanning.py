"""Scan one specification document: its text chunk by chunk, the JIS it cites, and the status of
each citation in the catalog (looked up in one query per document)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from standards.citation_lookup import catalog_entries
from standards.citations import (
    CatalogEntry,
    Citation,
    CitationStatus,
    citation_status,
    find_citations,
)
from standards.documents import Chunk, Limits, read_chunks

Lookup = Callable[[Iterable[str]], dict[str, CatalogEntry]]
# How often a scan reports where it is: a PDF page takes a few milliseconds, so every 20 chunks is
# a few updates a second at most for the screen that polls it.
PROGRESS_EVERY = 20


@dataclass(frozen=True, slots=True)
class ScannedCitation:
    citation: Citation
    status: CitationStatus
    catalog_edition_year: int | None  # the current edition's year, when the catalog knows it


@dataclass(slots=True)
class DocumentScan:
    path: Path
    name: str  # as shown and exported: the file name, or its path under the scanned folder
    chunks: int = 0  # pages of a PDF; paragraphs, rows or blocks of other formats
    citations: list[ScannedCitation] = field(default_factory=list)

    def counts(self) -> dict[CitationStatus, int]:
        counts = dict.fromkeys(CitationStatus, 0)
        for item in self.citations:
            counts[item.status] += 1
        return counts


def specification_scan(
    path: Path,
    *,
    name: str | None = None,
    limits: Limits | None = None,
    lookup: Lookup = catalog_entries,
    progress: Callable[[int], object] | None = None,
) -> DocumentScan:
    """Read `path` and judge what it cites. Raises documents.UnreadableDocument for a file that
    cannot be read; nothing of it is kept then. `progress`, if given, is called with the number of
    chunks read so far, every PROGRESS_EVERY chunks."""
    scan = DocumentScan(path=path, name=name or path.name)
    found = list(find_citations(_counted(read_chunks(path, limits=limits), scan, progress)))
    entries = lookup({citation.number for citation in found})
    for citation in found:
        entry = entries.get(citation.number)
        scan.citations.append(
            ScannedCitation(
                citation=citation,
                status=citation_status(citation, entry),
                catalog_edition_year=entry.edition_year if entry else None,
            )
        )
    return scan


def _counted(
    chunks: Iterator[Chunk], scan: DocumentScan, progress: Callable[[int], object] | None
) -> Iterator[Chunk]:
    for chunk in chunks:
        scan.chunks += 1
        if progress is not None and scan.chunks % PROGRESS_EVERY == 0:
            progress(scan.chunks)
        yield chunk
