"""Demo notifications (``seed_demo``): a lived-in notification centre for each demo account.

Rows are inserted in bulk as history (already emailed, most of them read), so seeding sends
no email. A few are unread so the bell shows a figure, and one invitation has failed so the
admin's "failed" filter and re-send action have something to show. ``--scale N`` adds
N × 30 older notifications per demo account (pagination, query counts under load).
"""

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone

from accounts.models import User
from humanitech.demo import DemoContext

from .kinds import Delivery
from .models import Notification

OLDER_PER_ACCOUNT = 30
BATCH = 2000


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    rows: list[Notification] = []
    briefs = list(ctx.objects.get("briefs") or [])
    titles = [b.title for b in briefs[:6]] or [
        "Site web et dons en ligne",
        "Fichier des adhérents",
        "Tableau de bord des bénévoles",
    ]

    def add(
        user: User | None,
        kind: str,
        context: dict[str, Any],
        *,
        hours_ago: float,
        about: models.Model | None = None,
        read: bool = True,
        link: str = "",
        email: str = "",
        state: str = Notification.State.SENT,
        error: str = "",
    ) -> None:
        created = now - datetime.timedelta(hours=hours_ago)
        key = f"demo:{kind}:{len(rows)}"
        rows.append(
            Notification(
                kind=kind,
                event_key=key,
                idempotency_key=Notification.make_idempotency_key(
                    kind=kind,
                    event_key=key,
                    recipient_id=user.pk if user else None,
                    email=email,
                ),
                recipient=user,
                email=email,
                about_type=ContentType.objects.get_for_model(about) if about else None,
                about_id=str(about.pk) if about else "",
                link=link or _link_to(about),
                context=context,
                language=user.language if user else "fr",
                delivery=Delivery.IMMEDIATE,
                state=state,
                attempts=5 if state == Notification.State.FAILED else 1,
                last_error=error,
                created_at=created,
                queued_at=created,
                next_attempt_at=created,
                sent_at=created if state == Notification.State.SENT else None,
                read_at=created + datetime.timedelta(minutes=20) if read else None,
            )
        )

    users = ctx.users
    org_a = ctx.objects.get("organisation_a")
    org_b = ctx.objects.get("organisation_b")
    org_a_name = getattr(org_a, "name", "Les Jardins Partagés de Fives")
    brief = briefs[0] if briefs else None
    if "association" in users:
        sophie = users["association"]
        add(
            sophie,
            "organisation_verified",
            {"organisation_name": org_a_name},
            hours_ago=240,
            about=org_a,
        )
        add(sophie, "brief_published", {"brief_title": titles[0]}, hours_ago=200, about=brief)
        for hours, student in ((30, "Léa Dubois"), (6, "Yanis Lefebvre"), (1.5, "Inès Garnier")):
            add(
                sophie,
                "application_received",
                {"brief_title": titles[0], "student_name": student},
                hours_ago=hours,
                about=brief,
                read=hours > 24,
            )
        add(
            sophie,
            "brief_ending_soon",
            {
                "brief_title": titles[-1],
                "end_date": (now + datetime.timedelta(days=7)).date().isoformat(),
            },
            hours_ago=3,
            about=briefs[-1] if briefs else None,
            read=False,
        )
    if "association2" in users:
        add(
            users["association2"],
            "brief_rejected",
            {
                "brief_title": titles[1 % len(titles)],
                "reason": "Décrivez le besoin avec vos mots : qui utilisera l'outil, "
                "et pour quoi faire ?",
            },
            hours_ago=20,
            about=briefs[1] if len(briefs) > 1 else None,
            read=False,
        )
        add(
            users["association2"],
            "organisation_verified",
            {"organisation_name": getattr(org_b, "name", "Repair Café Roubaix")},
            hours_ago=300,
            about=org_b,
        )
    if "etudiant" in users:
        lea = users["etudiant"]
        add(
            lea,
            "application_shortlisted",
            {
                "brief_title": titles[0],
                "organisation_name": org_a_name,
                "note": "Votre expérience avec Django nous intéresse beaucoup.",
            },
            hours_ago=4,
            about=brief,
            read=False,
        )
        add(
            lea,
            "new_briefs_weekly",
            {
                "briefs": [
                    {
                        "title": b.title,
                        "path": _link_to(b),
                        "organisation_name": getattr(b.organisation, "name", ""),
                    }
                    for b in briefs[:3]
                ]
            },
            hours_ago=72,
        )
    if "ecole" in users:
        add(
            users["ecole"],
            "approval_requested",
            {"student_name": "Léa Dubois", "brief_title": titles[0], "cohort_name": "Promo 2027"},
            hours_ago=5,
            about=brief,
            read=False,
        )
    # A failed invitation, for the admin's "failed" filter and re-send action.
    add(
        None,
        "organisation_invitation",
        {"organisation_name": org_a_name, "inviter_name": "Sophie Martin"},
        hours_ago=26,
        email="benevole.inconnu@exemple.fr",
        link="/",
        state=Notification.State.FAILED,
        error="SMTPRecipientsRefused: {'benevole.inconnu@exemple.fr': "
        "(550, b'5.1.1 Mailbox unavailable')}",
    )

    for user in users.values():
        for n in range(OLDER_PER_ACCOUNT * (ctx.scale - 1)):
            add(
                user,
                "brief_published",
                {"brief_title": titles[n % len(titles)]},
                hours_ago=400 + n * 6,
            )

    Notification.objects.bulk_create(rows, batch_size=BATCH)
    unread = sum(1 for row in rows if row.recipient_id and row.read_at is None)
    ctx.log(f"{len(rows)} notifications ({unread} unread, 1 failed)")


def _link_to(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined,no-any-return]
    except (AttributeError, NoReverseMatch):
        return ""
