"""Pure search helpers over the skills taxonomy (no Django, no database).

The skill picker calls :func:`match_skills` on the skill dicts of ``skills.json`` (or on any
mapping with ``slug``, ``name_fr``, ``name_en`` and ``aliases``). A database-backed picker can
instead store :func:`search_text` in a column and filter with
``search_text__contains=normalise(query)``: both sides use the same normalisation.

Ranking, best first:

0. the query equals a name, an alias or the slug;
1. a name/alias starts with the query;
2. a word inside a name/alias starts with the query;
3. the query appears anywhere inside a name/alias;
4. every meaningful word of the query starts a word of one name/alias (plural-insensitive),
   so "bases données" finds "Base de données relationnelle" and "appli mobile" finds
   "application mobile";
5. the same, with the words spread over several names/aliases of the skill.

Within a tier, a match on a name beats a match on an alias, then shorter terms win, then the
French name decides.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

SKILLS_JSON = Path(__file__).resolve().parent / "taxonomy_data" / "skills.json"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_STOPWORDS = frozenset(
    {
        # French
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "un",
        "une",
        "pour",
        "sur",
        "avec",
        # English
        "and",
        "for",
        "in",
        "of",
        "on",
        "the",
        "to",
        "with",
    }
)
_SEPARATOR = " | "


def normalise(text: str) -> str:
    """Lowercase, strip accents, and collapse punctuation and spaces to single spaces.

    ``#`` and ``+`` carry meaning in skill names, so they become words ("C#" -> "c sharp",
    "C++" -> "c plus plus") instead of vanishing.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    text = text.replace("#", " sharp ").replace("+", " plus ")
    return _NON_ALNUM.sub(" ", text).strip()


def _terms(skill: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Normalised (term, is_name) pairs of a skill, names first, without duplicates."""
    raw: list[tuple[str, bool]] = [
        (str(skill.get("name_fr", "")), True),
        (str(skill.get("name_en", "")), True),
        (str(skill.get("slug", "")).replace("-", " "), False),
    ]
    raw += [(str(alias), False) for alias in skill.get("aliases", ())]
    seen: set[str] = set()
    terms: list[tuple[str, bool]] = []
    for text, is_name in raw:
        norm = normalise(text)
        if norm and norm not in seen:
            seen.add(norm)
            terms.append((norm, is_name))
    return terms


def search_text(skill: Mapping[str, Any]) -> str:
    """The normalised searchable text of a skill: names, slug and aliases joined by " | ".

    The separator never appears in a normalised query, so a substring match cannot straddle
    two terms.
    """
    return _SEPARATOR.join(term for term, _ in _terms(skill))


def _stem(word: str) -> str:
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


_NO_MATCH = (6, 1, 0)


def _words_match(query_stems: list[str], words: set[str]) -> bool:
    return bool(query_stems) and all(
        any(word.startswith(stem) for word in words) for stem in query_stems
    )


def _rank(query: str, query_stems: list[str], skill: Mapping[str, Any]) -> tuple[int, int, int]:
    """(tier, 0 for a name / 1 for an alias, term length); ``_NO_MATCH`` if nothing matches."""
    best = _NO_MATCH
    all_words: set[str] = set()
    for term, is_name in _terms(skill):
        words = {_stem(w) for w in term.split()}
        all_words |= words
        if term == query:
            tier = 0
        elif term.startswith(query):
            tier = 1
        elif f" {query}" in f" {term}":
            tier = 2
        elif query in term:
            tier = 3
        elif _words_match(query_stems, words):
            tier = 4
        else:
            continue
        best = min(best, (tier, 0 if is_name else 1, len(term)))
    if best == _NO_MATCH and _words_match(query_stems, all_words):
        best = (5, 1, 0)
    return best


def match_skills(
    query: str, skills: Iterable[Mapping[str, Any]], limit: int | None = None
) -> list[str]:
    """Slugs of the skills matching ``query``, best first (see the module docstring)."""
    norm = normalise(query)
    if not norm:
        return []
    stems = [_stem(w) for w in norm.split() if w not in _STOPWORDS]
    ranked: list[tuple[tuple[int, int, int], str, str]] = []
    for skill in skills:
        rank = _rank(norm, stems, skill)
        if rank != _NO_MATCH:
            ranked.append((rank, normalise(str(skill.get("name_fr", ""))), str(skill["slug"])))
    ranked.sort()
    slugs = [slug for _, _, slug in ranked]
    return slugs if limit is None else slugs[:limit]


def load_skills(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The skill dicts of the committed ``skills.json`` (or of ``path``)."""
    with Path(path or SKILLS_JSON).open(encoding="utf-8") as handle:
        data = json.load(handle)
    skills: list[dict[str, Any]] = data["skills"]
    return skills
