"""Demo organisations and briefs (``seed_demo``): 15 organisations and 40 briefs in every
state at scale 1, N times as many with ``--scale N``, inserted in bulk.

``association@demo.humanitech.fr`` owns organisation A (verified, briefs in most states),
``association2@demo.humanitech.fr`` owns organisation B. Later seeders find them in
``ctx.objects["organisation_a"]``, ``["organisation_b"]`` and ``["briefs"]``.
"""

import datetime
import random
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from humanitech.demo import DemoContext
from matching.models import Cause, NeedCategorySkill, Skill
from matching.taxonomy import NeedCategory

from . import search
from .demo_data import (
    BRIEFS,
    FIRST_NAMES,
    LAST_NAMES,
    ORGANISATIONS,
    REJECTION_REASONS,
    STATE_PLAN,
)
from .identifiers import department_from_postcode, fold, make_siren, make_siret
from .models import Brief, BriefSkill, MembershipRole, Organisation, OrganisationMembership
from .workflow import BriefState, VerificationState

# Position in ORGANISATIONS → verification state (the rest are verified).
PENDING = {12, 13}
REJECTED = {14}
NEEDS_VERIFIED = {"published", "in_progress", "delivered", "closed"}
BATCH = 2000


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2026)
    organisations = _organisations(ctx, rng)
    briefs = _briefs(ctx, rng, organisations)
    ctx.objects["organisation_a"] = organisations[0]
    ctx.objects["organisation_b"] = organisations[1]
    ctx.objects["briefs"] = briefs
    ctx.log(f"{len(organisations)} organisations, {len(briefs)} briefs")


def _registration_numbers(rng: random.Random, legal_form: str, postcode: str) -> dict[str, str]:
    siren = make_siren(f"{rng.randrange(10_000_000, 99_999_999)}")
    numbers = {"siren": siren, "siret": make_siret(siren, f"{rng.randrange(1, 9999):04d}")}
    if legal_form == "association":
        numbers["rna"] = f"W{postcode[:2]}{rng.randrange(0, 10**7):07d}"
    return numbers


def _organisations(ctx: DemoContext, rng: random.Random) -> list[Organisation]:
    now = timezone.now()
    causes = {cause.slug: cause for cause in Cause.objects.all()}
    count = len(ORGANISATIONS) * ctx.scale
    owners = _owners(ctx, count)
    rows = []
    for index in range(count):
        position, copy = index % len(ORGANISATIONS), index // len(ORGANISATIONS)
        name, legal_form, city, postcode, _causes, website, description = ORGANISATIONS[position]
        state = (
            VerificationState.PENDING
            if position in PENDING
            else VerificationState.REJECTED
            if position in REJECTED
            else VerificationState.VERIFIED
        )
        rows.append(
            Organisation(
                name=name if copy == 0 else f"{name} — antenne {copy + 1}",
                legal_form=legal_form,
                city=city,
                postcode=postcode,
                website=website,
                description=description,
                verification_state=state,
                verified_at=now if state == VerificationState.VERIFIED else None,
                verification_reason=(
                    "Le numéro SIRET ne correspond pas au nom déclaré : "
                    "pouvez-vous vérifier votre avis de situation INSEE ?"
                    if state == VerificationState.REJECTED
                    else ""
                ),
                **_registration_numbers(rng, legal_form, postcode),
            )
        )
    organisations = Organisation.objects.bulk_create(rows, batch_size=BATCH)
    through = Organisation.causes.through
    through.objects.bulk_create(
        (
            through(organisation_id=organisation.pk, cause_id=causes[slug].pk)
            for index, organisation in enumerate(organisations)
            for slug in ORGANISATIONS[index % len(ORGANISATIONS)][4]
            if slug in causes
        ),
        batch_size=BATCH,
    )
    OrganisationMembership.objects.bulk_create(
        (
            OrganisationMembership(organisation=organisation, user=owner, role=MembershipRole.OWNER)
            for organisation, owner in zip(organisations, owners, strict=True)
        ),
        batch_size=BATCH,
    )
    return organisations


def _owners(ctx: DemoContext, count: int) -> list[User]:
    """Organisations A and B belong to the demo accounts; the others to people who cannot
    sign in (unusable passwords: only the documented demo accounts log in)."""
    unusable = make_password(None)
    others = User.objects.bulk_create(
        (
            User(
                email=f"responsable{index}@demo.humanitech.fr",
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)],
                intent=User.Intent.ORGANISATION,
                password=unusable,
            )
            for index in range(2, count)
        ),
        batch_size=BATCH,
    )
    return [ctx.users["association"], ctx.users["association2"], *others]


def _states() -> Iterator[str]:
    for state, count in STATE_PLAN:
        yield from [state] * count


# Organisation A (position 0) shows every state on its dashboard; B (position 1) a few.
FIXED_OWNERS = {0: 0, 18: 0, 23: 0, 27: 0, 30: 0, 34: 0, 37: 0, 1: 1, 19: 1, 24: 1, 31: 1}


def _briefs(ctx: DemoContext, rng: random.Random, organisations: list[Organisation]) -> list[Brief]:
    today = timezone.localdate()
    now = timezone.now()
    states = list(_states())
    per_copy = len(ORGANISATIONS)
    rows: list[Brief] = []
    for copy in range(ctx.scale):
        own = organisations[copy * per_copy : (copy + 1) * per_copy]
        verified = [o for o in own if o.verification_state == VerificationState.VERIFIED][2:]
        others = own[2:]
        for index, state in enumerate(states):
            if index in FIXED_OWNERS:
                organisation = own[FIXED_OWNERS[index]]
            elif state in NEEDS_VERIFIED:
                organisation = verified[index % len(verified)]
            else:
                organisation = others[index % len(others)]
            template = BRIEFS[(index + copy) % len(BRIEFS)]
            rows.append(_brief(rng, organisation, template, state, index, today, now))
    _choose_skills_and_index(rows)
    briefs = Brief.objects.bulk_create(rows, batch_size=BATCH)
    BriefSkill.objects.bulk_create(
        (
            BriefSkill(brief=brief, skill=skill, level=level, weight=weight)
            for brief in briefs
            for skill, level, weight in brief._demo_skills  # type: ignore[attr-defined]
        ),
        batch_size=BATCH,
    )
    search.refresh_search_vector(Brief.objects.all())
    return briefs


def _brief(
    rng: random.Random,
    organisation: Organisation,
    template: tuple[Any, ...],
    state: str,
    index: int,
    today: datetime.date,
    now: datetime.datetime,
) -> Brief:
    title, category, problem, outcome, tools, effort, team, work_mode, _extra = template
    days = datetime.timedelta
    if state in ("in_progress",):
        start = today - days(rng.randrange(10, 40))
    elif state in ("delivered", "closed"):
        start = today - days(rng.randrange(120, 300))
    else:
        start = today + days(rng.randrange(14, 75))
    end = start + days(rng.randrange(6, 16) * 7)
    published = state in ("published", "in_progress", "delivered", "closed")
    # Some drafts are half written: the dashboard shows what is missing.
    half_written = state == "draft" and index % 2 == 0
    brief = Brief(
        organisation=organisation,
        title=title,
        need_category=category,
        problem=problem,
        expected_outcome="" if half_written else outcome,
        existing_tools=tools,
        team_min=team[0],
        team_max=team[1],
        effort_hours=None if half_written else effort + rng.randrange(-2, 3) * 10,
        start_date=None if half_written else start,
        end_date=None if half_written else end,
        work_mode=work_mode,
        city=organisation.city,
        postcode=organisation.postcode,
        department=department_from_postcode(organisation.postcode),
        place_key=fold(organisation.city),
        state=state,
        rejection_reason=REJECTION_REASONS[index % len(REJECTION_REASONS)]
        if state == BriefState.REJECTED
        else "",
        submitted_at=now - days(rng.randrange(1, 40)) if state != "draft" else None,
        published_at=now - days(rng.randrange(0, 30), hours=rng.randrange(0, 24))
        if published
        else None,
    )
    brief._demo_extra_skills = _extra  # type: ignore[attr-defined]
    return brief


def _choose_skills_and_index(briefs: list[Brief]) -> None:
    """The category's default skills plus the template's extras, and the search text."""
    skills = {skill.slug: skill for skill in Skill.objects.filter(is_active=True)}
    defaults: dict[str, list[tuple[Skill, int, int]]] = {}
    for row in NeedCategorySkill.objects.select_related("skill"):
        defaults.setdefault(row.category, []).append((row.skill, row.level, row.weight))
    labels = {
        category: search.category_labels(NeedCategory(category).label)
        for category in NeedCategory.values
    }
    for brief in briefs:
        chosen: dict[int, tuple[Skill, int, int]] = {}  # by skill pk: one row per skill
        for skill, level, weight in defaults.get(brief.need_category, []):
            chosen[skill.pk] = (skill, level, weight)
        for slug, level, weight in brief._demo_extra_skills:  # type: ignore[attr-defined]
            if slug in skills:
                chosen[skills[slug].pk] = (skills[slug], level, weight)
        brief._demo_skills = list(chosen.values())  # type: ignore[attr-defined]
        brief.search_text = search.build_search_text(
            title=brief.title,
            problem=brief.problem,
            expected_outcome=brief.expected_outcome,
            existing_tools=brief.existing_tools,
            organisation_name=brief.organisation.name,
            city=brief.city,
            category_labels=labels[brief.need_category],
            skill_names=[
                name for skill, *_ in chosen.values() for name in (skill.name_fr, skill.name_en)
            ],
        )
