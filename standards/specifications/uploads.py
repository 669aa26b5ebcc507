"""The files of one upload: each file chosen (a folder's files), and the documents inside a ZIP,
refused from its directory alone when it would inflate too far (as DOCX and XLSX are)."""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from standards.documents import (
    Limits,
    UnreadableDocument,
    check_inflation,
    supported_suffixes,
)


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str
    content: bytes | None  # None: refused, `problem` says why
    problem: str = ""


def upload_files(files: Iterable, *, limits: Limits | None = None) -> Iterator[UploadedFile]:
    """Every document in the uploaded `files` (Django UploadedFile objects): a .zip is opened and
    its documents taken out (folders inside kept in the name); anything else is taken as it is and
    judged by the scanner."""
    limits = limits or Limits.from_settings()
    for upload in files:
        name = _base_name(upload.name)
        if upload.size > limits.max_bytes:
            yield UploadedFile(name, None, _too_large(upload.size, limits))
        elif name.lower().endswith(".zip"):
            yield from _archive_files(upload, name, limits)
        else:
            yield UploadedFile(name, upload.read())


def _archive_files(upload, name: str, limits: Limits) -> Iterator[UploadedFile]:
    try:
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        yield UploadedFile(name, None, _("The file is named .zip but is not a zip archive."))
        return
    try:
        check_inflation(members, limits)
    except UnreadableDocument as exc:
        yield UploadedFile(name, None, exc.message)
        return
    wanted = set(supported_suffixes())
    with archive:
        for info in members:
            path = PurePosixPath(info.filename)
            if info.is_dir() or _hidden(path) or path.suffix.lower() not in wanted:
                continue
            shown = f"{name}/{path.as_posix()}"
            if info.file_size > limits.max_bytes:
                yield UploadedFile(shown, None, _too_large(info.file_size, limits))
                continue
            try:
                yield UploadedFile(shown, archive.read(info))
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                yield UploadedFile(
                    shown, None, _("This part of the archive is damaged (%s).") % exc
                )


def _hidden(path: PurePosixPath) -> bool:
    return any(part.startswith((".", "~$", "__MACOSX")) for part in path.parts)


def _base_name(name: str) -> str:
    # a browser sends the file's name, some a path: keep the last part
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "upload"


def _too_large(size: int, limits: Limits) -> str:
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limits.max_bytes),
    }
