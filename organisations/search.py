"""Full-text search over briefs.

PostgreSQL: a stored ``search_vector`` (French configuration, weighted: title A, the need in
the organisation's words C, and everything else — organisation, skills, city — folded in D),
indexed with GIN (migration 0002), queried with ``websearch_to_tsquery`` and ranked with
``ts_rank``. Folded text (no accents, lower case) is indexed too, so "adherents" finds
"adhérents" without the unaccent extension.

SQLite (the embedded default): every word of the query, folded and crudely singularised,
must appear in ``search_text``.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import translation

from .identifiers import fold, strip_accents

SEARCH_CONFIG = "french"
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector(
        "problem", "expected_outcome", "existing_tools", weight="C", config=SEARCH_CONFIG
    )
    + SearchVector("search_text", weight="D", config=SEARCH_CONFIG)
)

# Words too common to narrow a search (the SQLite fallback; PostgreSQL has its own list).
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "for",
        "in",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "notre",
        "nos",
        "of",
        "on",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "the",
        "to",
        "un",
        "une",
        "vos",
        "votre",
    ]
)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def build_search_text(
    *,
    title: str,
    problem: str,
    expected_outcome: str,
    existing_tools: str,
    organisation_name: str,
    city: str,
    category_labels: Iterable[str],
    skill_names: Iterable[str],
) -> str:
    """Everything a visitor may type to find a brief, folded into one line."""
    parts = [title, organisation_name, city, *category_labels, *skill_names]
    parts += [problem, expected_outcome, existing_tools]
    return fold(" ".join(part for part in parts if part))


def category_labels(category_label: object) -> list[str]:
    """A need category's label in both languages (people search in either)."""
    labels = []
    for language in ("fr", "en"):
        with translation.override(language):
            labels.append(str(category_label))
    return labels


def search_terms(query: str) -> list[str]:
    """Folded words of a query, without stop words, crudely singular ("adhérents" →
    "adherent"), for the SQLite fallback."""
    terms = []
    for word in fold(query).split():
        if word in STOPWORDS or len(word) < 2:
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        terms.append(word)
    return list(dict.fromkeys(terms))


def apply_search(queryset: QuerySet, query: str, *, match_all: bool = True) -> QuerySet:
    """Briefs matching ``query``, annotated with ``rank`` (higher is better)."""
    query = query.strip()[:200]
    if uses_postgres():
        if not match_all:
            words = [w for w in re.split(r"\s+", query.replace('"', " ")) if w and w != "-"]
            query = " or ".join(words)
        # As typed (matches the accented text, weighted) or without accents (matches the
        # folded text): "velos" finds "vélos" and "vélos" finds a folded organisation name.
        search_query = SearchQuery(
            query, config=SEARCH_CONFIG, search_type="websearch"
        ) | SearchQuery(strip_accents(query), config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_vector=search_query).annotate(
            rank=SearchRank(F("search_vector"), search_query)
        )
    terms = search_terms(query)
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    condition = Q()
    for term in terms:
        clause = Q(search_text__contains=term)
        condition = (condition & clause) if match_all else (condition | clause)
    # A crude relevance: a hit in the title counts more than one in the text.
    title_hits = [When(title__icontains=term, then=Value(1.0)) for term in terms]
    return queryset.filter(condition).annotate(
        rank=Case(*title_hits, default=Value(0.1), output_field=FloatField())
    )


def refresh_search_vector(queryset: QuerySet) -> None:
    """Recompute the stored tsvector of these briefs (one UPDATE; no-op on SQLite)."""
    if uses_postgres():
        queryset.update(search_vector=SEARCH_VECTOR)
