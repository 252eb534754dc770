"""Match scores and their reasons in templates (the recommendations and applications pages).

    {% load match_explanation %}
    {% match_score explanation %}         the compact badge "78/100"
    {% match_explanation explanation %}   the badge, a headline and the reasons in a <details>

``explanation`` is a ``matching.scoring.Explanation`` (``matching.engine_data.score_pair`` or
``explanations_for``); None renders nothing. Words are chosen at render time, in the active
language (``matching.explanations``).
"""

from typing import Any

from django import template

from ..explanations import word_explanation
from ..scoring import Explanation

register = template.Library()


@register.inclusion_tag("matching/recommendations/_score_badge.html")
def match_score(explanation: Explanation | None) -> dict[str, Any]:
    return {"match": word_explanation(explanation) if explanation is not None else None}


@register.inclusion_tag("matching/recommendations/_explanation.html")
def match_explanation(explanation: Explanation | None, open: bool = False) -> dict[str, Any]:
    return {
        "match": word_explanation(explanation) if explanation is not None else None,
        "open": open,
    }


@register.inclusion_tag("matching/recommendations/_brief_link.html")
def brief_recommendations_link(brief: Any) -> dict[str, Any]:
    """A link to "Profils recommandés" for the members of the brief's organisation (the
    caller shows it to members only); nothing unless the brief is published. No query."""
    return {"brief": brief, "show": brief.state == "published"}
