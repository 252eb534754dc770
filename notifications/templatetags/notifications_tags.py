from typing import Any

from django import template

from ..emails import render_subject
from ..models import Notification
from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications_count(context: dict[str, Any]) -> int:
    """The bell's figure: one COUNT per page, only for a signed-in person."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)


@register.filter
def notification_title(notification: Notification) -> str:
    """The one-line title of an entry, in the language of the page being shown."""
    return render_subject(notification)
