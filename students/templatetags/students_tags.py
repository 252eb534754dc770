"""The students app's panel on the dashboard, and small display helpers."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import selectors

register = template.Library()


@register.inclusion_tag("students/_dashboard_panel.html", takes_context=True)
def students_dashboard_panel(context: template.Context) -> dict[str, Any]:
    """What school staff and students see first: their cohorts, and what to do next."""
    request = context["request"]
    roles = request.roles
    data: dict[str, Any] = {"roles": roles, "schools": [], "profile": None, "enrolments": []}
    if roles.is_school_staff:
        data["schools"] = list(selectors.schools_of_staff(user=request.user))
    if roles.is_student:
        profile = selectors.student_profile_of(user=request.user)
        data["profile"] = profile
        data["completion"] = selectors.completion_of(profile)
        data["enrolments"] = list(selectors.enrolments_of_student(user=request.user))
    return data


@register.filter
def level_steps(level: int) -> list[bool]:
    """``3`` → ``[True, True, True, False]``: the lit segments of a level meter."""
    return [step <= (level or 0) for step in range(1, 5)]


@register.filter
def email_wbr(email: str) -> SafeString | str:
    """``ana@ecole.fr`` → ``ana<wbr>@ecole.fr``: a narrow column breaks it before the domain."""
    local, at, domain = (email or "").rpartition("@")
    if not at:
        return email
    return format_html("{}<wbr>@{}", local, domain)
