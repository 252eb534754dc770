"""The student's matching panel on the "what next" dashboard (a page of the project).

    {% load matching_dashboard %}{% student_matching_panel %}

Shows their three best projects and where their applications stand; a fixed number of
queries (the recommendations selector's, plus one count).
"""

from typing import Any

from django import template

from ..selectors.applications import open_application_count
from ..selectors.recommendations import (
    ProfileState,
    RecommendationFilters,
    student_recommendations,
)

register = template.Library()

DASHBOARD_MATCHES = 3


@register.inclusion_tag("matching/dashboard/_student_panel.html", takes_context=True)
def student_matching_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    if not request.user.is_authenticated or not request.roles.is_student:
        return {"show": False}
    result = student_recommendations(user=request.user, filters=RecommendationFilters())
    return {
        "show": True,
        "ready": result.state == ProfileState.READY,
        "matches": result.items[:DASHBOARD_MATCHES],
        "match_count": result.count,
        "accepted_cap": result.accepted_cap,
        "open_applications": open_application_count(student=request.user),
    }
