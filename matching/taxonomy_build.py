"""Build the skills & causes taxonomy JSON from the curation and the public reference data.

Usage (from the repository root)::

    python -m matching.taxonomy_build                 # regenerate matching/taxonomy_data/*.json
    python -m matching.taxonomy_build --check         # exit 1 if the committed JSON is stale
    python -m matching.taxonomy_build --report        # also list ESCO/ROME matches for review
    python -m matching.taxonomy_build --shared DIR    # reference data elsewhere

Inputs: the hand-curated source ``matching/taxonomy_data/curation.py`` and the reference
files of ``../shared/data`` (ESCO v1.2.0 digital skills collection, ROME v4.60 digital
competences). For each curated skill the builder looks up the ESCO concept named by its
``preferredLabel`` and keeps its URI plus a filtered set of its English labels as aliases,
checks the ROME OGR code, validates the whole taxonomy and writes ``skills.json``,
``causes.json`` and ``category_defaults.json``. Pure Python: no Django needed.

Exit codes: 0 ok, 1 invalid curation or stale JSON (``--check``), 2 reference data missing.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matching.taxonomy_data import curation
from matching.taxonomy_search import normalise

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "taxonomy_data"
DEFAULT_SHARED = PACKAGE_DIR.parent.parent / "shared" / "data"
ESCO_CSV = Path("esco") / "digitalSkillsCollection_en.csv"
ROME_CSV = Path("rome") / "competences_numeriques_rome_v460.csv"

FORMAT_VERSION = 1
MIN_SKILLS, MAX_SKILLS = 150, 250
MIN_CAUSES, MAX_CAUSES = 15, 30
MIN_DEFAULTS, MAX_DEFAULTS = 3, 6
NEED_CATEGORY_CODES = (
    "website",
    "crm",
    "database",
    "mobile_app",
    "automation",
    "data",
    "cybersecurity",
    "digital_training",
    "other",
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# ESCO alternative labels kept automatically: short, and not the boilerplate ESCO attaches to
# every programming language ("programming paradigms in X", "X techniques", editions...).
MAX_ESCO_ALIASES = 6
MAX_ESCO_ALIAS_CHARS = 40
MAX_ESCO_ALIAS_WORDS = 5
ESCO_BOILERPLATE = re.compile(
    r"\b(algorithms?|paradigms?|principles|techniques|typology|types of|kinds of|range of|"
    r"editions?|software development|knowledge of)\b",
    re.IGNORECASE,
)

_ESCO_STOPWORDS = frozenset({"a", "an", "the", "of", "on", "to", "for", "in", "and"})


def _variant_key(label: str) -> frozenset[str]:
    """Word set of a label with English inflections removed, to skip ESCO's near-duplicate
    variants ("perform backups", "performing backups", "backups performing")."""
    words = set()
    for word in normalise(label).split():
        if word in _ESCO_STOPWORDS:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 2 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.add(word.rstrip("e") or word)
    return frozenset(words)


SOURCE: dict[str, Any] = {
    "curation": "HumanITech skills taxonomy, curated by the HumanITech project",
    "esco": {
        "attribution": "ESCO — European Commission",
        "name": "ESCO — European Skills, Competences, Qualifications and Occupations",
        "version": "1.2.0",
        "url": "https://esco.ec.europa.eu",
        "file": "esco/digitalSkillsCollection_en.csv",
        "licence": "ESCO reuse policy: free reuse with attribution",
        "used_for": "esco_uri, esco_label and the English aliases taken from ESCO labels",
    },
    "rome": {
        "attribution": "ROME v4.60 — France Travail",
        "name": "ROME — Répertoire Opérationnel des Métiers et des Emplois",
        "version": "4.60",
        "publisher": "France Travail",
        "file": "rome/competences_numeriques_rome_v460.csv",
        "licence": "Licence Ouverte / Etalab 2.0",
        "used_for": "rome_ogr and rome_label",
    },
}

LEVELS = [
    {"value": 1, "name_fr": "Notions", "name_en": "Basic"},
    {"value": 2, "name_fr": "Intermédiaire", "name_en": "Intermediate"},
    {"value": 3, "name_fr": "Avancé", "name_en": "Advanced"},
    {"value": 4, "name_fr": "Expert", "name_en": "Expert"},
]
WEIGHTS = [
    {"value": 1, "name_fr": "Souhaitée", "name_en": "Nice to have"},
    {"value": 2, "name_fr": "Importante", "name_en": "Important"},
    {"value": 3, "name_fr": "Indispensable", "name_en": "Essential"},
]


class TaxonomyError(Exception):
    """The curation or the reference data is inconsistent; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


class MissingReferenceData(Exception):
    """The ESCO/ROME files are not where we looked."""


# --------------------------------------------------------------------------- reference data


def _split_alt_labels(raw: str) -> list[str]:
    labels: list[str] = []
    for part in re.split(r"\n|\s\|\s", raw):
        label = " ".join(part.split())
        if label and label not in labels:
            labels.append(label)
    return labels


def read_esco(shared: Path) -> dict[str, list[dict[str, Any]]]:
    """ESCO rows keyed by their (whitespace-normalised) preferred label."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with (shared / ESCO_CSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = " ".join(row["preferredLabel"].split())
            rows.setdefault(label, []).append(
                {
                    "uri": row["conceptUri"].strip(),
                    "label": label,
                    "alt_labels": _split_alt_labels(row.get("altLabels") or ""),
                    "description": (row.get("description") or "").strip(),
                }
            )
    return rows


def read_rome(shared: Path) -> dict[str, str]:
    """ROME digital competence labels keyed by OGR code."""
    codes: dict[str, str] = {}
    with (shared / ROME_CSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes[row["code_ogr"].strip()] = row["libelle_competence"].strip()
    return codes


def check_shared(shared: Path) -> None:
    missing = [str(p) for p in (ESCO_CSV, ROME_CSV) if not (shared / p).is_file()]
    if missing:
        raise MissingReferenceData(
            f"reference data not found in {shared} (missing {', '.join(missing)}); "
            "pass --shared DIR"
        )


# --------------------------------------------------------------------------- building


def _esco_candidates(src: dict[str, Any], row: dict[str, Any], errors: list[str]) -> list[str]:
    """ESCO labels proposed as English aliases for one skill, before collision checks."""
    slug = src["slug"]
    all_labels = [row["label"], *row["alt_labels"]]
    for label in src["esco_drop"]:
        if label not in all_labels:
            errors.append(f"{slug}: esco_drop label {label!r} is not an ESCO label of the concept")
    mode = src["esco_alts"]
    if mode == "auto":
        alts = [
            alt
            for alt in row["alt_labels"]
            if len(alt) <= MAX_ESCO_ALIAS_CHARS
            and len(alt.split()) <= MAX_ESCO_ALIAS_WORDS
            and not ESCO_BOILERPLATE.search(alt)
        ]
    elif isinstance(mode, tuple | list):
        alts = list(mode)
        for alt in alts:
            if alt not in row["alt_labels"]:
                errors.append(f"{slug}: esco_alts label {alt!r} is not an ESCO alternative label")
    else:
        errors.append(f"{slug}: esco_alts must be 'auto' or a tuple of labels, not {mode!r}")
        alts = []
    return [label for label in [row["label"], *alts] if label not in src["esco_drop"]]


def build_skills(
    esco: dict[str, list[dict[str, Any]]], rome: dict[str, str], report: list[str]
) -> dict[str, Any]:
    errors: list[str] = []
    category_codes = [c["code"] for c in curation.CATEGORIES]
    if len(set(category_codes)) != len(category_codes):
        errors.append("duplicate category codes")
    for cat in curation.CATEGORIES:
        if not CODE_RE.match(cat["code"]) or not cat["name_fr"] or not cat["name_en"]:
            errors.append(f"category {cat!r}: bad code or missing name")

    sources = curation.SKILLS
    slugs = [s["slug"] for s in sources]
    seen_slugs: set[str] = set()
    for slug in slugs:
        if slug in seen_slugs:
            errors.append(f"duplicate slug {slug!r}")
        seen_slugs.add(slug)
        if not SLUG_RE.match(slug):
            errors.append(f"{slug!r}: slug must be lowercase ASCII words joined by hyphens")
    if not MIN_SKILLS <= len(sources) <= MAX_SKILLS:
        errors.append(f"{len(sources)} skills; expected {MIN_SKILLS}-{MAX_SKILLS}")

    # Curated search terms: names, slug words, aliases; each term belongs to one skill.
    owner: dict[str, str] = {}
    for src in sources:
        slug = src["slug"]
        if src["category"] not in category_codes:
            errors.append(f"{slug}: unknown category {src['category']!r}")
        if not src["name_fr"].strip() or not src["name_en"].strip():
            errors.append(f"{slug}: missing French or English name")
        names = {normalise(src["name_fr"]), normalise(src["name_en"]), normalise(slug)}
        own_aliases: set[str] = set()
        for alias in src["aliases"]:
            norm = normalise(alias)
            if not norm:
                errors.append(f"{slug}: empty alias {alias!r}")
            elif norm in own_aliases or norm in names - {normalise(slug)}:
                errors.append(f"{slug}: alias {alias!r} repeats a name or another alias")
            own_aliases.add(norm)
        for term in names | own_aliases:
            other = owner.setdefault(term, slug)
            if other != slug:
                errors.append(f"{slug}: term {term!r} is already a name or alias of {other}")

    # ESCO concepts and the English aliases taken from their labels.
    esco_rows: dict[str, dict[str, Any]] = {}
    candidates: dict[str, list[str]] = {}
    for src in sources:
        slug, label = src["slug"], src["esco"]
        if label is None:
            if src["esco_alts"] != "auto" or src["esco_drop"]:
                errors.append(f"{slug}: esco_alts/esco_drop given without an ESCO concept")
            continue
        matches = esco.get(" ".join(label.split()), [])
        if len(matches) != 1:
            errors.append(f"{slug}: ESCO preferredLabel {label!r} matches {len(matches)} concepts")
            continue
        esco_rows[slug] = matches[0]
        candidates[slug] = _esco_candidates(src, matches[0], errors)
    uri_owner: dict[str, str] = {}
    for slug, row in esco_rows.items():
        other = uri_owner.setdefault(row["uri"], slug)
        if other != slug:
            errors.append(f"{slug}: ESCO concept {row['label']!r} is already used by {other}")

    esco_term_owners: dict[str, set[str]] = {}
    for slug, labels in candidates.items():
        for label in labels:
            esco_term_owners.setdefault(normalise(label), set()).add(slug)
    esco_aliases: dict[str, list[str]] = {}
    for slug, labels in candidates.items():
        src = next(s for s in sources if s["slug"] == slug)
        kept: list[str] = []
        kept_keys = {
            _variant_key(term) for term in (src["name_fr"], src["name_en"], *src["aliases"])
        }
        for label in labels:
            norm = normalise(label)
            key = _variant_key(label)
            if not norm or key in kept_keys:
                continue
            if owner.get(norm, slug) != slug:
                report.append(f"  {slug}: ESCO label {label!r} left out (term of {owner[norm]})")
                continue
            if len(esco_term_owners[norm]) > 1:
                report.append(f"  {slug}: ESCO label {label!r} left out (shared by several skills)")
                continue
            kept_keys.add(key)
            if owner.get(norm) == slug:
                continue  # already a curated name or alias
            if len(kept) >= MAX_ESCO_ALIASES:
                break
            kept.append(label)
        esco_aliases[slug] = kept

    # ROME competences.
    rome_owner: dict[str, str] = {}
    for src in sources:
        code = src["rome"]
        if code is None:
            continue
        if code not in rome:
            errors.append(f"{src['slug']}: ROME OGR code {code!r} is not in the ROME file")
        other = rome_owner.setdefault(code, src["slug"])
        if other != src["slug"]:
            errors.append(f"{src['slug']}: ROME code {code} is already used by {other}")

    related = build_related(set(slugs), errors)
    if errors:
        raise TaxonomyError(errors)

    skills: list[dict[str, Any]] = []
    for src in sources:
        slug = src["slug"]
        esco_row = esco_rows.get(slug)
        skills.append(
            {
                "slug": slug,
                "name_fr": src["name_fr"],
                "name_en": src["name_en"],
                "category": src["category"],
                "aliases": [*src["aliases"], *esco_aliases.get(slug, [])],
                "esco_uri": esco_row["uri"] if esco_row else None,
                "esco_label": esco_row["label"] if esco_row else None,
                "rome_ogr": src["rome"],
                "rome_label": rome[src["rome"]] if src["rome"] else None,
                "related": related.get(slug, []),
            }
        )
        if esco_row:
            report.append(f"{slug}: ESCO {esco_row['label']!r} — {esco_row['description'][:140]}")
        if src["rome"]:
            report.append(f"{slug}: ROME {src['rome']} {rome[src['rome']]!r}")

    with_esco = sum(1 for s in skills if s["esco_uri"])
    with_rome = sum(1 for s in skills if s["rome_ogr"])
    return {
        "version": FORMAT_VERSION,
        "source": SOURCE,
        "counts": {
            "skills": len(skills),
            "with_esco_uri": with_esco,
            "with_rome_ogr": with_rome,
            "categories": len(curation.CATEGORIES),
        },
        "categories": curation.CATEGORIES,
        "skills": skills,
    }


def build_related(slugs: set[str], errors: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Both directions of every curated pair, sorted by decreasing similarity."""
    pairs: dict[frozenset[str], float] = {}
    related: dict[str, list[dict[str, Any]]] = {}
    for a, b, similarity in curation.RELATED:
        key = frozenset((a, b))
        if a == b:
            errors.append(f"related: {a} is related to itself")
            continue
        if a not in slugs or b not in slugs:
            errors.append(f"related: unknown slug in pair ({a}, {b})")
            continue
        if not 0 < similarity < 1:
            errors.append(f"related: similarity of ({a}, {b}) must be in (0, 1)")
        if key in pairs:
            errors.append(f"related: pair ({a}, {b}) listed twice")
            continue
        pairs[key] = similarity
        related.setdefault(a, []).append({"slug": b, "similarity": similarity})
        related.setdefault(b, []).append({"slug": a, "similarity": similarity})
    for items in related.values():
        items.sort(key=lambda item: (-item["similarity"], item["slug"]))
    return related


def build_causes() -> dict[str, Any]:
    errors: list[str] = []
    seen: set[str] = set()
    for cause in curation.CAUSES:
        slug = cause["slug"]
        if slug in seen:
            errors.append(f"duplicate cause slug {slug!r}")
        seen.add(slug)
        if not SLUG_RE.match(slug) or not cause["name_fr"] or not cause["name_en"]:
            errors.append(f"cause {slug!r}: bad slug or missing name")
    if not MIN_CAUSES <= len(curation.CAUSES) <= MAX_CAUSES:
        errors.append(f"{len(curation.CAUSES)} causes; expected {MIN_CAUSES}-{MAX_CAUSES}")
    if errors:
        raise TaxonomyError(errors)
    return {"version": FORMAT_VERSION, "causes": curation.CAUSES}


def build_defaults(skill_slugs: set[str]) -> dict[str, Any]:
    errors: list[str] = []
    codes = tuple(c["code"] for c in curation.NEED_CATEGORIES)
    if codes != NEED_CATEGORY_CODES:
        errors.append(f"need categories must be {NEED_CATEGORY_CODES}, got {codes}")
    need_categories = []
    for need in curation.NEED_CATEGORIES:
        code = need["code"]
        items = []
        seen: set[str] = set()
        if not MIN_DEFAULTS <= len(need["skills"]) <= MAX_DEFAULTS:
            errors.append(f"{code}: {len(need['skills'])} default skills; expected 3-6")
        for slug, level, weight in need["skills"]:
            if slug not in skill_slugs:
                errors.append(f"{code}: unknown skill {slug!r}")
            if slug in seen:
                errors.append(f"{code}: skill {slug!r} listed twice")
            seen.add(slug)
            if level not in (1, 2, 3, 4) or weight not in (1, 2, 3):
                errors.append(f"{code}: {slug} level must be 1-4 and weight 1-3")
            items.append({"slug": slug, "level": level, "weight": weight})
        need_categories.append(
            {"code": code, "name_fr": need["name_fr"], "name_en": need["name_en"], "skills": items}
        )
    if errors:
        raise TaxonomyError(errors)
    return {
        "version": FORMAT_VERSION,
        "levels": LEVELS,
        "weights": WEIGHTS,
        "need_categories": need_categories,
    }


def build(shared: Path, report: list[str] | None = None) -> dict[str, str]:
    """Rendered JSON text of every output file, keyed by file name."""
    check_shared(shared)
    report = report if report is not None else []
    skills = build_skills(read_esco(shared), read_rome(shared), report)
    outputs = {
        "skills.json": skills,
        "causes.json": build_causes(),
        "category_defaults.json": build_defaults({s["slug"] for s in skills["skills"]}),
    }
    return {name: render(data) for name, data in outputs.items()}


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m matching.taxonomy_build",
        description="Build matching/taxonomy_data/*.json from the curation and ESCO/ROME data.",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"directory holding esco/ and rome/ (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the committed JSON is not up to date",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="print the ESCO/ROME matches and the ESCO labels left out",
    )
    args = parser.parse_args(argv)

    report: list[str] = []
    try:
        rendered = build(args.shared, report)
    except MissingReferenceData as exc:
        print(f"taxonomy_build: {exc}", file=sys.stderr)
        return 2
    except TaxonomyError as exc:
        print("taxonomy_build: invalid taxonomy:", file=sys.stderr)
        for error in exc.errors:
            print(f"  - {error}", file=sys.stderr)
        return 1

    if args.report:
        print("\n".join(report))
    counts = json.loads(rendered["skills.json"])["counts"]
    summary = (
        f"{counts['skills']} skills ({counts['with_esco_uri']} with an ESCO URI, "
        f"{counts['with_rome_ogr']} with a ROME code), {counts['categories']} categories, "
        f"{len(curation.CAUSES)} causes, {len(curation.NEED_CATEGORIES)} need categories"
    )
    if args.check:
        stale = [
            name
            for name, text in rendered.items()
            if not (DATA_DIR / name).is_file()
            or (DATA_DIR / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(
                f"taxonomy_build: out of date: {', '.join(stale)}; "
                "run python -m matching.taxonomy_build",
                file=sys.stderr,
            )
            return 1
        print(f"taxonomy_build: up to date — {summary}")
        return 0

    for name, text in rendered.items():
        (DATA_DIR / name).write_text(text, encoding="utf-8")
    print(f"taxonomy_build: wrote {', '.join(rendered)} — {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
