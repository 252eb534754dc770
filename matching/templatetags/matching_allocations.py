"""Panels of the cohort allocation and favourites work that other apps' pages include."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors.favourites import saved_state_of

register = template.Library()


@register.inclusion_tag("matching/favourites/_save_button.html", takes_context=True)
def favourite_button(context: template.Context, brief: Any) -> dict[str, Any]:
    """ "Save" / "Remove" for a student on a published brief's page (one query; none for
    anyone else)."""
    request = context["request"]
    roles = getattr(request, "roles", None)
    show = bool(roles and roles.is_student and brief.state == "published")
    return {
        "show": show,
        "brief": brief,
        "saved": saved_state_of(student=request.user, brief=brief) if show else None,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "messages": context.get("messages", ()),
    }


@register.inclusion_tag("matching/allocations/_cohort_link.html")
def cohort_allocation_link(cohort: Any, for_student: bool = False) -> dict[str, Any]:
    """The way into a cohort's allocation, for its staff (cohort page) or its students
    (dashboard); nothing for a cohort whose students apply. No query."""
    from students.models import ApplicationPolicy

    return {
        "cohort": cohort,
        "show": cohort.application_policy == ApplicationPolicy.ALLOCATION,
        "for_student": for_student,
    }


@register.inclusion_tag("matching/allocations/_brief_openings.html", takes_context=True)
def brief_allocation_openings(context: template.Context, brief: Any) -> dict[str, Any]:
    """On a brief's page, for its organisation's members: the allocated cohorts it is
    opened to, each with a link to rank the candidates (one query; none for others)."""
    from ..selectors.allocations import openings_of_brief

    show = bool(context.get("is_member"))
    return {
        "brief": brief,
        "openings": openings_of_brief(brief=brief) if show else [],
    }
