"""Reads of the matching app, one module per concern (taxonomy, applications,
recommendations, allocations). The taxonomy reads are re-exported for the other apps."""

from .taxonomy import SKILL_INDEX_CACHE_KEY, skill_search, skills_active

__all__ = ["SKILL_INDEX_CACHE_KEY", "skill_search", "skills_active"]
