"""Applications on pages that belong to other apps (the brief's page, the dashboards).

    {% load matching_applications %}
    {% application_cta brief %}            a student's call to action on a published brief
    {% brief_applications_panel brief %}   the organisation's counts and link on its brief

Those pages' apps never import matching: they only name these tags in their templates.
Each tag costs a fixed number of queries (at most four), whatever the data.
"""

from typing import Any

from django import template

from organisations.models import Brief
from organisations.workflow import BriefState

from ..models import ApplicationState
from ..selectors import applications as selectors
from ..services.applications import application_apply_check, seats_taken

register = template.Library()


@register.inclusion_tag("matching/applications/_cta.html", takes_context=True)
def application_cta(context: template.Context, brief: Brief) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    data: dict[str, Any] = {"brief": brief, "application": None, "check": None}
    if not user.is_authenticated or not request.roles.is_student:
        return data
    check = application_apply_check(student=user, brief=brief)
    existing = check.existing
    if existing is not None and existing.state != ApplicationState.WITHDRAWN:
        if existing.state == ApplicationState.ACCEPTED:
            existing.seats_taken = seats_taken(brief)  # type: ignore[attr-defined]
        data["application"] = existing
    else:
        data["check"] = check
        data["withdrawn"] = existing is not None
    return data


@register.inclusion_tag("matching/applications/_brief_panel.html")
def brief_applications_panel(brief: Brief) -> dict[str, Any]:
    shown = brief.state in (
        BriefState.PUBLISHED,
        BriefState.IN_PROGRESS,
        BriefState.DELIVERED,
        BriefState.CLOSED,
    )
    return {
        "brief": brief,
        "summary": selectors.brief_applications_summary(brief=brief) if shown else None,
    }


@register.inclusion_tag("matching/applications/_brief_link.html")
def brief_applications_link(brief: Brief) -> dict[str, Any]:
    """A button to a brief's applications and team, for its organisation (no query)."""
    return {"brief": brief}
