"""The files of one upload: each file chosen (a folder's files), and the documents inside a ZIP,
refused from its directory alone when it would inflate too far (as DOCX and XLSX are). Files of a
format the scanner does not read are refused here, not kept."""

import lzma
import zipfile
import zlib
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

# what reading a member of an untrusted ZIP may raise: damaged (a bad CRC, a broken deflate, bzip2
# or lzma stream, cut short), encrypted (RuntimeError), or compressed in a way Python does not read
MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str
    content: bytes | None  # None: refused, `problem` says why
    problem: str = ""


def upload_files(files: Iterable, *, limits: Limits | None = None) -> Iterator[UploadedFile]:
    """Every document in the uploaded `files` (Django UploadedFile objects): a .zip is opened and
    its documents taken out (folders inside kept in the name); a file of a format the scanner
    reads is taken as it is, and judged by the scanner; any other is refused; hidden files and
    Office's lock files are left out."""
    limits = limits or Limits.from_settings()
    for upload in files:
        name = _base_name(upload.name)
        suffix = PurePosixPath(name).suffix.lower()
        if upload.size > limits.max_bytes:
            yield UploadedFile(name, None, _too_large(upload.size, limits))
        elif suffix == ".zip":
            yield from _archive_files(upload, name, limits)
        elif _hidden(PurePosixPath(name)):
            continue  # a folder's .DS_Store, Office's lock files (~$…), as inside a ZIP
        elif suffix not in supported_suffixes():
            yield UploadedFile(name, None, _not_read(suffix))
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
            path = _inner_path(info.filename)
            if info.is_dir() or _hidden(path) or path.suffix.lower() not in wanted:
                continue
            shown = f"{name}/{path.as_posix()}"
            if info.file_size > limits.max_bytes:
                yield UploadedFile(shown, None, _too_large(info.file_size, limits))
                continue
            try:
                yield UploadedFile(shown, archive.read(info))
            except MEMBER_ERRORS as exc:
                yield UploadedFile(
                    shown, None, _("This part of the archive is damaged (%s).") % exc
                )


def _inner_path(filename: str) -> PurePosixPath:
    """A member's path as a name to show: a name is all it ever is (nothing is written to disk),
    but "../", "./" and a leading "/" or drive are dropped so it reads as a path inside the ZIP."""
    parts = filename.replace("\\", "/").split("/")
    kept = [part for part in parts if part not in ("", ".", "..") and not part.endswith(":")]
    return PurePosixPath(*kept) if kept else PurePosixPath("_")


def _hidden(path: PurePosixPath) -> bool:
    return any(part.startswith((".", "~$", "__MACOSX")) for part in path.parts)


def _base_name(name: str) -> str:
    # a browser sends the file's name, some a path: keep the last part
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "upload"


def _not_read(suffix: str) -> str:
    return _("Files of type “%(suffix)s” are not read; the formats are %(formats)s.") % {
        "suffix": suffix or _("(no extension)"),
        "formats": ", ".join([*supported_suffixes(), ".zip"]),
    }


def _too_large(size: int, limits: Limits) -> str:
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limits.max_bytes),
    }
