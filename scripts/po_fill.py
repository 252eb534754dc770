"""Fill translations into a .po file from a JSON object {msgid: msgstr} read on stdin.

Plural entries take a list [singular, plural]. Entries not in the JSON are left alone;
fuzzy flags on filled entries are cleared. Developer tool used with ``make messages``:

    python scripts/po_fill.py locale/fr/LC_MESSAGES/django.po < fr.json
"""

import json
import sys

import polib


def main() -> int:
    path = sys.argv[1]
    translations = json.load(sys.stdin)
    po = polib.pofile(path, wrapwidth=0)
    filled = 0
    for entry in po:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save(path)
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    print(f"{path}: {filled} filled, {len(missing)} still untranslated")
    for msgid in missing:
        print(f"  - {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
