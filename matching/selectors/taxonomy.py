"""Reads of the matching app. (Scoring reads live in ``recommendations``.)"""

from django.core.cache import cache
from django.db.models import QuerySet

from ..models import Skill
from ..taxonomy_search import match_skills

SKILL_INDEX_CACHE_KEY = "matching:skill-index:v1"


def skills_active() -> QuerySet[Skill]:
    return Skill.objects.filter(is_active=True)


def skill_search(*, query: str, limit: int = 12) -> list[Skill]:
    """Skills whose French or English name or alias matches ``query``, best first.

    "bdd", "base de données" and "database" all find the database skills. The ranking is
    :func:`matching.taxonomy_search.match_skills`, run over a cached index of the active
    skills (a few hundred rows) so the picker costs one query at most.
    """
    query = query.strip()
    if not query:
        return []
    index = cache.get(SKILL_INDEX_CACHE_KEY)
    if index is None:
        index = [
            {"slug": s.slug, "name_fr": s.name_fr, "name_en": s.name_en, "aliases": s.aliases}
            for s in skills_active().only("slug", "name_fr", "name_en", "aliases")
        ]
        cache.set(SKILL_INDEX_CACHE_KEY, index, 3600)
    slugs = match_skills(query, index, limit=limit)
    by_slug = {skill.slug: skill for skill in skills_active().filter(slug__in=slugs)}
    return [by_slug[slug] for slug in slugs if slug in by_slug]
