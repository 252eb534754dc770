"""One realistic emission per kind, as the emitting apps will call notify()."""

from typing import Any

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify

# kind -> (context, address the email goes to instead of an account, or "")
SAMPLES: dict[str, dict[str, Any]] = {
    "organisation_verified": {"organisation_name": "Les Amis d'Emmaüs Lille"},
    "organisation_rejected": {
        "organisation_name": "Les Amis d'Emmaüs Lille",
        "reason": "Le numéro RNA ne correspond pas au nom déclaré.",
    },
    "organisation_invitation": {
        "organisation_name": "Les Amis d'Emmaüs Lille",
        "inviter_name": "Camille Martin",
    },
    "brief_published": {"brief_title": "Site web & dons en ligne"},
    "brief_rejected": {
        "brief_title": "Site web & dons en ligne",
        "reason": "Précisez le résultat attendu.",
    },
    "school_invitation": {"school_name": "ISEN Lille", "inviter_name": "Camille Martin"},
    "cohort_invitation": {
        "cohort_name": "Promo 2027",
        "school_name": "ISEN Lille",
        "inviter_name": "Camille Martin",
    },
    "application_received": {
        "brief_title": "Site web & dons en ligne",
        "student_name": "Léa Dupont",
    },
    "application_withdrawn": {
        "brief_title": "Site web & dons en ligne",
        "student_name": "Léa Dupont",
    },
    "application_shortlisted": {
        "brief_title": "Site web & dons en ligne",
        "organisation_name": "Les Amis d'Emmaüs Lille",
        "note": "Nous aimerions vous rencontrer.",
    },
    "application_accepted": {
        "brief_title": "Site web & dons en ligne",
        "organisation_name": "Les Amis d'Emmaüs Lille",
        "note": "",
    },
    "application_declined": {
        "brief_title": "Site web & dons en ligne",
        "organisation_name": "Les Amis d'Emmaüs Lille",
        "note": "Merci pour votre candidature très soignée.",
        "similar_briefs": [
            {"title": "CRM des adhérents", "path": "/briefs/12/"},
            {"title": "Tableau de bord des dons", "path": "/briefs/13/"},
        ],
    },
    "approval_requested": {
        "student_name": "Léa Dupont",
        "brief_title": "Site web & dons en ligne",
        "cohort_name": "Promo 2027",
    },
    "approval_given": {"brief_title": "Site web & dons en ligne"},
    "approval_refused": {
        "brief_title": "Site web & dons en ligne",
        "cohort_name": "Promo 2027",
        "reason": "Choisissez une mission plus courte pour ce semestre.",
    },
    "placement_published": {
        "brief_title": "Site web & dons en ligne",
        "cohort_name": "Promo 2027",
        "organisation_name": "Les Amis d'Emmaüs Lille",
    },
    "brief_ending_soon": {"brief_title": "Site web & dons en ligne", "end_date": "2026-11-26"},
    "application_unanswered": {
        "brief_title": "Site web & dons en ligne",
        "student_name": "Léa Dupont",
        "days": 7,
    },
    "new_briefs_weekly": {
        "briefs": [
            {"title": "CRM des adhérents", "path": "/briefs/12/", "organisation_name": "Asso A"},
            {"title": "Site vitrine", "path": "/briefs/14/", "organisation_name": "Asso B"},
        ]
    },
}

# Invitations may go to an address without an account.
BY_EMAIL = {"organisation_invitation", "school_invitation", "cohort_invitation"}


def emit(
    kind: str,
    *,
    recipient: User | None = None,
    email: str = "",
    n: int = 1,
    link: str | None = None,
    context: dict[str, Any] | None = None,
) -> Notification:
    """Emit a realistic ``kind`` through notify(), as the app that owns the event would.

    Reusable by any test (the browser journeys too): ``emit("application_received",
    recipient=owner, link=application.get_absolute_url())``.
    """
    return notify(
        kind=kind,
        recipient=recipient,
        email=email,
        link=f"/somewhere/{kind}/{n}/" if link is None else link,
        context={**SAMPLES[kind], **(context or {})},
        event_key=f"test:{kind}:{n}",
    )
