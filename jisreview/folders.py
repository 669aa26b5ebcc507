"""Runtime folders are made by the code that writes to them, when it first does, so that loading
the settings (a build step, a test, a management command) creates nothing on disk."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def folder_make(path: Path | str, *, purpose: str) -> Path:
    """The folder at `path`, made with its parents if missing; a folder that cannot be made stops
    the caller with a message naming it and what it was for."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{folder} ({purpose}) cannot be created: {exc.strerror}. "
            "Set JISREVIEW_VAR_DIR to a folder this user can write to."
        ) from None
    return folder
