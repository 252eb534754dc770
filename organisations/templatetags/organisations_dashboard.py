from typing import Any

from django import template

from ..selectors import DashboardSummary, dashboard_summaries

register = template.Library()


@register.simple_tag(takes_context=True)
def organisation_summaries(context: dict[str, Any]) -> list[DashboardSummary]:
    """The dashboard panel's data: the shared dashboard view knows nothing of this app."""
    return dashboard_summaries(user=context["request"].user)
