"""Compile every project .po file into its .mo, in pure Python (no system gettext needed).

Run by ``make`` before the server or the tests start; .mo files are build products and are
not committed.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", ".git"}


def main() -> int:
    compiled = 0
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        if SKIP.intersection(po_path.relative_to(ROOT).parts):
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    print(f"compile_messages: {compiled} catalogue(s) compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
