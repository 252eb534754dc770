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
