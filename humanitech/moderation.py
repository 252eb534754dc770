"""The moderators' queues on the dashboard: what waits for them, linked to the admin's lists.

Each count is filtered exactly as the admin list it links to (the brief "queue" filter of
``organisations/admin.py``, the state filters of the organisation and outbox lists), so the
number on the card is the number of rows the moderator finds there. Three queries, whatever
the number of rows.
"""

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import User

QueueName = Literal[
    "organisations_to_verify", "briefs_ready", "briefs_waiting", "notifications_failed"
]


@dataclass(frozen=True)
class Queue:
    name: QueueName
    count: int
    url: str


def moderation_queues(*, user: User) -> list[Queue]:
    """The queues this person may open in the admin, each with its live count."""
    from notifications.selectors import count_failed_notifications
    from organisations.models import Brief, Organisation
    from organisations.workflow import BriefState, VerificationState

    queues: list[Queue] = []
    if user.has_perm("organisations.view_organisation"):
        pending = Organisation.objects.filter(verification_state=VerificationState.PENDING)
        queues.append(
            Queue(
                "organisations_to_verify",
                pending.count(),
                _admin_list("organisations", "organisation", "verification_state__exact=pending"),
            )
        )
    if user.has_perm("organisations.view_brief"):
        verified = Q(organisation__verification_state=VerificationState.VERIFIED)
        briefs = Brief.objects.filter(state=BriefState.SUBMITTED).aggregate(
            ready=Count("pk", filter=verified), waiting=Count("pk", filter=~verified)
        )
        queues += [
            Queue(
                "briefs_ready",
                briefs["ready"],
                _admin_list("organisations", "brief", "queue=ready"),
            ),
            Queue(
                "briefs_waiting",
                briefs["waiting"],
                _admin_list("organisations", "brief", "queue=waiting"),
            ),
        ]
    if user.has_perm("notifications.view_notification"):
        queues.append(
            Queue(
                "notifications_failed",
                count_failed_notifications(),
                _admin_list("notifications", "notification", "state__exact=failed"),
            )
        )
    return queues


def _admin_list(app_label: str, model: str, query: str) -> str:
    return f"{reverse(f'admin:{app_label}_{model}_changelist')}?{query}"
