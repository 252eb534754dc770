"""The recommendation score computed the obvious way, as docs/matching.md states it.

Plain Python over the records — loops and dicts, no numpy, none of the engine's code — so the
tests can check matching/scoring.py's matrix formulation against it, and the benchmark can
time it. Only the documented constants and codes come from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping

from matching.scoring import (
    LOCATION_HYBRID_REMOTE,
    LOCATION_SAME_DEPARTEMENT_HYBRID,
    LOCATION_SAME_DEPARTEMENT_ONSITE,
    WEIGHT_AVAILABILITY,
    WEIGHT_CAUSES,
    WEIGHT_LOCATION,
    WEIGHT_SKILLS,
    BriefRecord,
    RemotePreference,
    StudentRecord,
    WorkMode,
)

#: (from skill id, to skill id) → similarity: having the first skill covers the second.
Related = Mapping[tuple[int, int], float]


def skill_credit(student: StudentRecord, skill: int, required: int, related: Related) -> float:
    """Best credit on one requirement: the skill itself or any related skill the student has."""
    best = 0.0
    for had, level in student.skills.items():
        similarity = 1.0 if had == skill else related.get((had, skill), 0.0)
        best = max(best, similarity * (min(level, required) / required))
    return best


def location_fit(student: StudentRecord, brief: BriefRecord) -> float:
    preference = student.remote_preference
    remote_ok = preference in (RemotePreference.REMOTE_ONLY, RemotePreference.EITHER)
    onsite_ok = preference in (RemotePreference.ONSITE_ONLY, RemotePreference.EITHER)
    same_departement = student.departement != "" and student.departement == brief.departement
    same_city = (
        same_departement and student.city_id is not None and student.city_id == brief.city_id
    )
    if brief.mode == WorkMode.REMOTE:
        return 1.0 if remote_ok else 0.0
    if brief.mode == WorkMode.ONSITE:
        if not onsite_ok:
            return 0.0
        if same_city:
            return 1.0
        return LOCATION_SAME_DEPARTEMENT_ONSITE if same_departement else 0.0
    on_site = 0.0
    if onsite_ok and same_city:
        on_site = 1.0
    elif onsite_ok and same_departement:
        on_site = LOCATION_SAME_DEPARTEMENT_HYBRID
    return max(on_site, LOCATION_HYBRID_REMOTE if remote_ok else 0.0)


def reference_components(
    student: StudentRecord, brief: BriefRecord, related: Related
) -> dict[str, float] | None:
    """Points of each component, or None when a hard filter excludes the pair."""
    if not brief.is_open:
        return None
    overlap_days = (
        min(student.available_to, brief.end) - max(student.available_from, brief.start)
    ).days + 1
    if overlap_days <= 0:
        return None
    if brief.requirements:
        earned = 0.0
        total = 0.0
        for skill, (required, weight) in brief.requirements.items():
            earned += weight * skill_credit(student, skill, required, related)
            total += weight
        skills = earned / total
    else:
        skills = 1.0
    hours_available = student.hours_per_week * overlap_days / 7
    availability = min(1.0, hours_available / brief.effort_hours)
    shared = student.causes & brief.causes
    causes = len(shared) / len(brief.causes) if brief.causes else 0.0
    return {
        "skills": WEIGHT_SKILLS * skills,
        "availability": WEIGHT_AVAILABILITY * availability,
        "location": WEIGHT_LOCATION * location_fit(student, brief),
        "causes": WEIGHT_CAUSES * causes,
    }


def reference_score(student: StudentRecord, brief: BriefRecord, related: Related) -> float | None:
    components = reference_components(student, brief, related)
    return None if components is None else sum(components.values())
