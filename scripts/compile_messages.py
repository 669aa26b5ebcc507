"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no GNU gettext is needed.

The .mo files are committed: a fresh machine shows the Japanese UI without compiling anything.
`--check` fails when a committed .mo differs from what its .po compiles to.
"""

import sys
import tempfile
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compiled_bytes(po_path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(target))
        return target.read_bytes()


def main(check: bool) -> int:
    stale = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        data = compiled_bytes(po_path)
        if check:
            if not mo_path.exists() or mo_path.read_bytes() != data:
                stale.append(str(mo_path))
        else:
            mo_path.write_bytes(data)
    if stale:
        print("Out of date, run `make messages`: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
