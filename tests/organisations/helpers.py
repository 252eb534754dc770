"""Builders for organisations and briefs, through the services (audit and notifications
happen as in production)."""

import datetime
from typing import Any

from accounts.models import User
from matching.models import Cause
from organisations import services
from organisations.models import Brief, Organisation

TODAY = datetime.date.today()


def make_organisation(owner: User, *, verified: bool = False, **fields: Any) -> Organisation:
    values: dict[str, Any] = {
        "name": "Les Jardins Partagés de Fives",
        "legal_form": "association",
        "city": "Lille",
        "postcode": "59000",
        "description": "Quatre jardins partagés et 180 adhérents.",
        "rna": "W595001234",
        "causes": Cause.objects.filter(slug__in=["environment", "food"]),
        **fields,
    }
    organisation = services.organisation_create(acting_user=owner, **values)
    if verified:
        Organisation.objects.filter(pk=organisation.pk).update(verification_state="verified")
        organisation.refresh_from_db()
    return organisation


def complete_brief(organisation: Organisation, author: User, **fields: Any) -> Brief:
    """A draft with every step filled in, ready to submit."""
    brief = services.brief_create(
        organisation=organisation,
        acting_user=author,
        title=fields.pop("title", "Un site internet pour nos adhérents"),
        need_category=fields.pop("need_category", "website"),
        problem=fields.pop(
            "problem",
            "Notre site internet date de 2013 ; nos adhérents ne trouvent pas le calendrier.",
        ),
    )
    practical: dict[str, Any] = {
        "expected_outcome": "Un site simple que deux bénévoles mettent à jour.",
        "effort_hours": 90,
        "start_date": TODAY + datetime.timedelta(days=20),
        "end_date": TODAY + datetime.timedelta(days=90),
        "team_min": 2,
        "team_max": 4,
        "work_mode": "remote",
        **fields,
    }
    return services.brief_update(brief=brief, acting_user=author, **practical)
