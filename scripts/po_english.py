"""Make English catalogues say exactly their msgids (the code's language is English).

msgmerge may leave stale or "fuzzy" guesses in an English catalogue when a msgid changes;
this rewrites every entry's msgstr from its msgid and clears the fuzzy flags, keeping the
header. Run by ``make messages``:

    python scripts/po_english.py locale/en/LC_MESSAGES/django.po [...]
"""

import sys

import polib


def main() -> int:
    for path in sys.argv[1:]:
        po = polib.pofile(path, wrapwidth=79)
        for entry in po:
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
        po.save(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
