"""From the database to the scoring engine: ORM rows become ``Taxonomy``, ``StudentBlock`` and
``BriefBlock`` (see ``matching/scoring.py`` and docs/matching.md), in a fixed number of
queries whatever the number of students or briefs.

- ``taxonomy_from_db()``: skills, related skills (``SkillRelation``) and causes; 3 queries,
  then kept in the Django cache (``TAXONOMY_TTL``) with the skill and cause names.
- ``student_block(students)``: 4 queries (profiles, held skills, causes, cohort dates).
- ``brief_block(briefs)``: 3 queries (briefs with their team size, required skills, the
  organisations' causes).
- ``explanations_for(pairs)`` / ``score_pair(student, brief)``: the engine's ``Explanation``
  of a few pairs (what a page shows beside a score).

Rows of a block are ordered by id (user id for students, brief id for briefs), so any two
blocks of the same rows are identical and ties in a top-k go to the lower id.

What the engine needs and the database may lack (documented in docs/matching.md, "In the
product"):

- A student's availability window: ``available_from`` / ``available_until``; when missing,
  the dates of their cohort (the active enrolment that ends last), else from today for
  ``DEFAULT_AVAILABILITY_DAYS``. Weekly hours: ``hours_per_week``; when missing, the
  cohort's expected hours spread over its weeks, else 0 (scores 0 on availability).
- A brief's effort: ``effort_hours``, else ``DEFAULT_EFFORT_HOURS``. Its window:
  ``start_date`` (else the publication day, else today) to ``end_date`` (else
  ``DEFAULT_BRIEF_WINDOW_DAYS`` later).
- Places: a city name becomes a national id through ``city_key`` (accents, case, hyphens,
  "St"/"Ste" and Paris/Lyon/Marseille arrondissements ignored), qualified by the
  département of the postcode, so "Saint-Étienne (42)" and "st etienne (42)" are one city.
- A brief is open when it is published and its team has a free seat (``team_max`` minus its
  ``TeamMember`` rows).

Only skills a student *holds* count (``StudentSkill.objects.held()``): a learning wish is
not a competence.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from .scoring import (
    BriefBlock,
    BriefRecord,
    Explanation,
    RemotePreference,
    StudentBlock,
    StudentRecord,
    Taxonomy,
    WorkMode,
    departement_from_postcode,
    explain,
)
from .selectors.applications import seats_taken_subquery

if TYPE_CHECKING:
    from organisations.models import Brief
    from students.models import StudentProfile

#: A brief without an effort estimate: about what one student gives a cohort project.
DEFAULT_EFFORT_HOURS: Final = 60
#: A brief without an end date runs this long after its start (a school term).
DEFAULT_BRIEF_WINDOW_DAYS: Final = 90
#: A student with no dates and no active cohort is taken as available this long from today.
DEFAULT_AVAILABILITY_DAYS: Final = 120

#: The taxonomy changes rarely (moderators curate it in the admin): a new skill is picked up
#: at once (see ``_with_fresh_taxonomy``), an edited similarity within this delay.
TAXONOMY_TTL: Final = 600
TAXONOMY_CACHE_KEY: Final = "matching:engine-taxonomy:v1"


# --- Places ------------------------------------------------------------------------------------

_ARRONDISSEMENT_CITIES: Final = ("paris", "lyon", "marseille")
_SAINT: Final = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$")
_ARRONDISSEMENT = re.compile(
    r"^(paris|lyon|marseille)(\s+\d{1,2}\s*(e|er|eme|ieme)?(\s+arrondissement)?|\s+\d{5})$"
)


def normalise_city(name: str) -> str:
    """The comparable form of a city name: "Saint-Étienne", "ST ETIENNE", "St-Etienne" →
    "saint etienne"; "Paris 11e" and "Lyon 3e arrondissement" → their city; "… Cedex 9" →
    the city. Empty for an empty name."""
    from organisations.identifiers import fold

    folded = fold(name)
    folded = _CEDEX.sub("", folded)
    match = _ARRONDISSEMENT.match(folded)
    if match:
        folded = match.group(1)
    words = [_SAINT.get(word, word) for word in folded.split()]
    return " ".join(words)


def city_key(name: str, departement: str) -> int:
    """A national city id for the engine: stable across processes and runs (a digest of the
    département and the normalised name), -1 when either is unknown. The engine compares
    cities only within one département, so two homonyms elsewhere never meet."""
    city = normalise_city(name)
    if not city or not departement:
        return -1
    digest = hashlib.blake2b(f"{departement}:{city}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 2  # fits a non-negative int64


# --- Taxonomy ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyData:
    """The engine's taxonomy and the names pages put on its ids."""

    taxonomy: Taxonomy
    skill_names: Mapping[int, tuple[str, str]]  # id → (French, English)
    cause_names: Mapping[int, tuple[str, str]]

    def skill_name(self, skill_id: int) -> str:
        return _in_language(self.skill_names.get(skill_id))

    def cause_name(self, cause_id: int) -> str:
        return _in_language(self.cause_names.get(cause_id))


def _in_language(names: tuple[str, str] | None) -> str:
    if names is None:
        return ""
    return names[1] if (get_language() or "fr").startswith("en") else names[0]


def taxonomy_data(*, refresh: bool = False) -> TaxonomyData:
    """The taxonomy with its names: 3 queries, then the Django cache (``TAXONOMY_TTL``).

    Every call returns a new ``Taxonomy`` object: build all the blocks one engine call
    combines with the same one (``taxonomy=`` of the block builders)."""
    from .models import Cause, Skill, SkillRelation

    data: TaxonomyData | None = None if refresh else cache.get(TAXONOMY_CACHE_KEY)
    if data is None:
        # Inactive skills stay: briefs and profiles may still carry them.
        skills = {
            pk: (fr, en) for pk, fr, en in Skill.objects.values_list("pk", "name_fr", "name_en")
        }
        causes = {
            pk: (fr, en) for pk, fr, en in Cause.objects.values_list("pk", "name_fr", "name_en")
        }
        related = list(
            SkillRelation.objects.values_list("from_skill_id", "to_skill_id", "similarity")
        )
        taxonomy = Taxonomy.build(
            skill_ids=sorted(skills), cause_ids=sorted(causes), related=related
        )
        data = TaxonomyData(taxonomy=taxonomy, skill_names=skills, cause_names=causes)
        cache.set(TAXONOMY_CACHE_KEY, data, TAXONOMY_TTL)
    return data


def taxonomy_from_db() -> Taxonomy:
    return taxonomy_data().taxonomy


def _with_fresh_taxonomy(build: Any, taxonomy: Taxonomy | None) -> Any:
    """Run ``build(taxonomy)``; a skill or cause the cached taxonomy does not know yet (just
    added in the admin) refreshes the cache and builds again once."""
    given = taxonomy
    try:
        return build(taxonomy or taxonomy_from_db())
    except KeyError:
        if given is not None:
            raise
        return build(taxonomy_data(refresh=True).taxonomy)


# --- Students ----------------------------------------------------------------------------------


def _profiles(students: Any) -> tuple[QuerySet[StudentProfile], bool]:
    """A profile queryset from profiles, users, user ids or a profile queryset, and whether
    it came from a queryset: then the next queries use it as a subquery (a batch chunk holds
    thousands of students); from a list they use the ids read by the first query (indexes)."""
    from students.models import StudentProfile

    if isinstance(students, QuerySet):
        if students.model is StudentProfile:
            return StudentProfile.objects.filter(pk__in=students.values("pk")), True
        return StudentProfile.objects.filter(user__in=students.values("pk")), True
    user_ids = set()
    for item in students:
        if isinstance(item, StudentProfile):
            user_ids.add(item.user_id)
        elif isinstance(item, Model):
            user_ids.add(item.pk)
        else:
            user_ids.add(int(item))
    return StudentProfile.objects.filter(user_id__in=sorted(user_ids)), False


def _cohort_dates(user_ids: Any) -> dict[int, tuple[datetime.date, datetime.date, int]]:
    """Per student, the (start, end, expected hours) of the active cohort that ends last."""
    from students.models import Enrolment

    rows = (
        Enrolment.objects.active()
        .filter(student_id__in=user_ids)
        .values_list("student_id", "cohort__starts_on", "cohort__ends_on", "cohort__expected_hours")
        .order_by("student_id", "cohort__ends_on", "cohort_id")
    )
    # Ordered by end date: the last row of a student wins.
    return {student: (start, end, hours) for student, start, end, hours in rows}


def _student_window(
    row: Mapping[str, Any],
    cohort: tuple[datetime.date, datetime.date, int] | None,
    today: datetime.date,
) -> tuple[datetime.date, datetime.date, float]:
    first = row["available_from"] or (cohort[0] if cohort else today)
    last = row["available_until"]
    if last is None:
        last = cohort[1] if cohort and cohort[1] >= first else None
    if last is None:
        last = first + datetime.timedelta(days=DEFAULT_AVAILABILITY_DAYS - 1)
    hours = row["hours_per_week"]
    if hours is None and cohort:
        weeks = max(1.0, ((cohort[1] - cohort[0]).days + 1) / 7)
        hours = round(cohort[2] / weeks, 1)
    return first, last, float(hours or 0)


def student_records(students: Any, *, today: datetime.date | None = None) -> list[StudentRecord]:
    """The students as the engine's plain records, ordered by user id (4 queries).

    ``students``: a ``StudentProfile`` queryset (kept as a subquery), or profiles, users or
    user ids. A user without a profile is left out.
    """
    from students.models import StudentSkill
    from students.validators import departement_of

    today = today or timezone.localdate()
    profiles, as_subquery = _profiles(students)
    rows = list(
        profiles.order_by("user_id").values(
            "pk",
            "user_id",
            "hours_per_week",
            "available_from",
            "available_until",
            "city",
            "postcode",
            "remote_preference",
        )
    )
    if as_subquery:
        profile_ids: Any = profiles.values("pk")
        user_ids: Any = profiles.values("user_id")
    else:
        profile_ids = [row["pk"] for row in rows]
        user_ids = [row["user_id"] for row in rows]
    skills: dict[int, dict[int, int]] = defaultdict(dict)
    for profile_id, skill_id, level in (
        StudentSkill.objects.held()
        .filter(profile_id__in=profile_ids)
        .values_list("profile_id", "skill_id", "level")
    ):
        skills[profile_id][skill_id] = level
    causes: dict[int, set[int]] = defaultdict(set)
    through = profiles.model.causes.through
    for profile_id, cause_id in through.objects.filter(
        studentprofile_id__in=profile_ids
    ).values_list("studentprofile_id", "cause_id"):
        causes[profile_id].add(cause_id)
    cohorts = _cohort_dates(user_ids)

    records = []
    for row in rows:
        first, last, hours = _student_window(row, cohorts.get(row["user_id"]), today)
        departement = departement_of(row["postcode"] or "")
        records.append(
            StudentRecord(
                id=row["user_id"],
                skills=skills.get(row["pk"], {}),
                hours_per_week=hours,
                available_from=first,
                available_to=last,
                city_id=_city_id(row["city"], departement),
                departement=departement,
                remote_preference=RemotePreference.from_code(row["remote_preference"]),
                causes=frozenset(causes.get(row["pk"], ())),
            )
        )
    return records


def _city_id(name: str, departement: str) -> int | None:
    key = city_key(name or "", departement)
    return None if key < 0 else key


def student_block(
    students: Any, *, taxonomy: Taxonomy | None = None, today: datetime.date | None = None
) -> StudentBlock:
    """The engine's ``StudentBlock`` of these students (rows ordered by user id)."""
    records = student_records(students, today=today)
    return _with_fresh_taxonomy(lambda t: StudentBlock.from_records(t, records), taxonomy)


# --- Briefs ------------------------------------------------------------------------------------


def _briefs(briefs: Any) -> tuple[QuerySet[Brief], bool]:
    """As ``_profiles``, for briefs."""
    from organisations.models import Brief

    if isinstance(briefs, QuerySet):
        return Brief.objects.filter(pk__in=briefs.values("pk")), True
    ids = {item.pk if isinstance(item, Model) else int(item) for item in briefs}
    return Brief.objects.filter(pk__in=sorted(ids)), False


def _brief_window(
    row: Mapping[str, Any], today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    published = row["published_at"]
    start = row["start_date"] or (timezone.localdate(published) if published else today)
    end = row["end_date"]
    if end is None:
        end = start + datetime.timedelta(days=DEFAULT_BRIEF_WINDOW_DAYS - 1)
    return min(start, end), end


def brief_records(briefs: Any, *, today: datetime.date | None = None) -> list[BriefRecord]:
    """The briefs as the engine's plain records, ordered by id (3 queries).

    ``briefs``: a ``Brief`` queryset (kept as a subquery), or briefs or brief ids.
    """
    from organisations.models import BriefSkill, Organisation
    from organisations.workflow import BriefState

    today = today or timezone.localdate()
    queryset, as_subquery = _briefs(briefs)
    rows = list(
        queryset.order_by("pk")
        .annotate(team_size=seats_taken_subquery())
        .values(
            "pk",
            "organisation_id",
            "state",
            "team_max",
            "team_size",
            "effort_hours",
            "start_date",
            "end_date",
            "published_at",
            "work_mode",
            "city",
            "postcode",
            "department",
        )
    )
    if as_subquery:
        brief_ids: Any = queryset.values("pk")
        organisation_ids: Any = queryset.values("organisation_id")
    else:
        brief_ids = [row["pk"] for row in rows]
        organisation_ids = sorted({row["organisation_id"] for row in rows})
    requirements: dict[int, dict[int, tuple[int, float]]] = defaultdict(dict)
    for brief_id, skill_id, level, weight in BriefSkill.objects.filter(
        brief_id__in=brief_ids
    ).values_list("brief_id", "skill_id", "level", "weight"):
        requirements[brief_id][skill_id] = (level, float(weight))
    causes: dict[int, set[int]] = defaultdict(set)
    for organisation_id, cause_id in Organisation.causes.through.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("organisation_id", "cause_id"):
        causes[organisation_id].add(cause_id)

    records = []
    for row in rows:
        start, end = _brief_window(row, today)
        departement = row["department"] or departement_from_postcode(row["postcode"] or "")
        records.append(
            BriefRecord(
                id=row["pk"],
                requirements=requirements.get(row["pk"], {}),
                effort_hours=float(row["effort_hours"] or DEFAULT_EFFORT_HOURS),
                start=start,
                end=end,
                mode=WorkMode.from_code(row["work_mode"]),
                city_id=_city_id(row["city"], departement),
                departement=departement,
                causes=frozenset(causes.get(row["organisation_id"], ())),
                is_open=row["state"] == BriefState.PUBLISHED and row["team_size"] < row["team_max"],
            )
        )
    return records


def brief_block(
    briefs: Any, *, taxonomy: Taxonomy | None = None, today: datetime.date | None = None
) -> BriefBlock:
    """The engine's ``BriefBlock`` of these briefs (rows ordered by id)."""
    records = brief_records(briefs, today=today)
    return _with_fresh_taxonomy(lambda t: BriefBlock.from_records(t, records), taxonomy)


# --- Explanations of a few pairs -----------------------------------------------------------------


def _key(item: Any) -> int:
    """The engine id of a student (user id) or a brief, from an object or an id."""
    from students.models import StudentProfile

    if isinstance(item, StudentProfile):
        return item.user_id
    return item.pk if isinstance(item, Model) else int(item)


def explanations_for(
    pairs: Iterable[tuple[Any, Any]], *, today: datetime.date | None = None
) -> dict[tuple[int, int], Explanation]:
    """The engine's explanation of each (student, brief) pair, keyed by (user id, brief id).

    Students are users, profiles or user ids; briefs are briefs or ids. At most 7 queries
    whatever the number of pairs (0–3 for the taxonomy, 4 students, 3 briefs). A student
    without a profile or an unknown brief is left out of the result.
    """
    keys = [(_key(student), _key(brief)) for student, brief in pairs]
    if not keys:
        return {}
    data = taxonomy_data()
    student_ids = sorted({s for s, _ in keys})
    brief_ids = sorted({b for _, b in keys})
    student_rows = student_records(student_ids, today=today)
    brief_rows = brief_records(brief_ids, today=today)

    def build(taxonomy: Taxonomy) -> tuple[StudentBlock, BriefBlock]:
        return (
            StudentBlock.from_records(taxonomy, student_rows),
            BriefBlock.from_records(taxonomy, brief_rows),
        )

    try:
        students, briefs = build(data.taxonomy)
    except KeyError:
        students, briefs = build(taxonomy_data(refresh=True).taxonomy)
    student_index = {int(s): i for i, s in enumerate(students.ids)}
    brief_index = {int(b): j for j, b in enumerate(briefs.ids)}
    result = {}
    for student_id, brief_id in keys:
        i, j = student_index.get(student_id), brief_index.get(brief_id)
        if i is not None and j is not None:
            result[(student_id, brief_id)] = explain(students, i, briefs, j)
    return result


def score_pair(
    student: Any, brief: Any, *, today: datetime.date | None = None
) -> Explanation | None:
    """The explanation (with its score) of one pair; None when the student has no profile
    or the brief does not exist. ``explanation.score`` is None when the pair is excluded
    (brief closed or full, no shared day), ``explanation.excluded`` says why."""
    key = (_key(student), _key(brief))
    return explanations_for([key], today=today).get(key)
