from notifications.models import Notification
from notifications.services import notify
from notifications.tokens import make_unsubscribe_token

from . import LOGIN, PRIVATE_ANY_USER, PUBLIC, REDIRECT, Policy


def _owner_a_notification(cast: object) -> dict:
    row: Notification = notify(
        kind="brief_published",
        recipient=cast.owner_a,  # type: ignore[attr-defined]
        context={"brief_title": "Site web"},
        link="/",
        event_key=f"access:{Notification.objects.count()}",
    )
    return {"pk": row.pk}


def _owner_a_token(cast: object) -> dict:
    return {"token": make_unsubscribe_token(kind="brief_published", user_id=cast.owner_a.pk)}  # type: ignore[attr-defined]


POLICIES = {
    "notifications:list": PRIVATE_ANY_USER,
    "notifications:preferences": PRIVATE_ANY_USER,
    # Someone else's notification is a 404, like one that does not exist.
    "notifications:mark_read": Policy(
        {"*": 404, "owner_a": REDIRECT, "anonymous": LOGIN},
        kwargs=_owner_a_notification,
        method="post",
    ),
    "notifications:mark_all_read": Policy({"*": REDIRECT, "anonymous": LOGIN}, method="post"),
    # The signed token is the credential: the page works signed out, for anyone holding it.
    "notifications:unsubscribe": Policy(PUBLIC.expected, kwargs=_owner_a_token),
}
