"""The engine's ``Explanation`` (ids and numbers) worded for people, in the active language.

``word_explanation(explanation)`` returns what the partial
``matching/recommendations/_explanation.html`` shows: the score and its band, a one-line
headline, and one line per component with its points ("Couvre 4 des 5 compétences
recherchées ; manque PostgreSQL (niveau intermédiaire)", "Disponible 6 h/semaine ×
8 semaines = 48 h pour 80 h nécessaires", "À distance possible", "Cause partagée :
insertion"). The sentences speak of the student in the third person or not at all, so the
same partial serves the student ("missions for you") and the organisation ("recommended
profiles", applications). Skill and cause names come from the cached taxonomy (no query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .engine_data import TaxonomyData, taxonomy_data
from .scoring import (
    WEIGHT_AVAILABILITY,
    WEIGHT_CAUSES,
    WEIGHT_LOCATION,
    WEIGHT_SKILLS,
    Exclusion,
    Explanation,
    LocationVerdict,
)

#: Score bands of the badge (and its colour): a strong match from 70, a fair one from 45.
BAND_HIGH: Final = 70
BAND_MEDIUM: Final = 45

LEVEL_PHRASES: Final = {
    1: gettext_lazy("basic level"),
    2: gettext_lazy("intermediate level"),
    3: gettext_lazy("advanced level"),
    4: gettext_lazy("expert level"),
}

LOCATION_PHRASES: Final = {
    LocationVerdict.REMOTE: gettext_lazy("Remote work possible"),
    LocationVerdict.REMOTE_REFUSED: gettext_lazy("Remote project, but on-site work preferred"),
    LocationVerdict.ONSITE_REFUSED: gettext_lazy("On-site project, but remote work preferred"),
    LocationVerdict.SAME_CITY: gettext_lazy("Same city"),
    LocationVerdict.SAME_DEPARTEMENT: gettext_lazy("Same département, another city"),
    LocationVerdict.HYBRID_REMOTE: gettext_lazy(
        "Hybrid project: the remote part is possible, the site is far"
    ),
    LocationVerdict.TOO_FAR: gettext_lazy("Too far for on-site work"),
}

#: What the badge says instead of a score, beside the headline on skills: the reason, so that
#: "Dates incompatibles · Couvre 2 des 7 compétences recherchées" reads as one statement
#: (a bare "no match" next to covered skills looked like a contradiction).
EXCLUSION_BADGES: Final = {
    Exclusion.BRIEF_CLOSED: gettext_lazy("Project closed"),
    Exclusion.NO_DATE_OVERLAP: gettext_lazy("Dates do not fit"),
}

EXCLUSION_PHRASES: Final = {
    Exclusion.BRIEF_CLOSED: gettext_lazy(
        "This project no longer takes students (closed or team full)."
    ),
    Exclusion.NO_DATE_OVERLAP: gettext_lazy("Not available during the project's dates."),
}


@dataclass(frozen=True)
class ExplanationLine:
    """One component: its name, what happened, its points out of its weight."""

    component: str  # skills, availability, location, causes
    label: str
    text: str
    details: tuple[str, ...] = ()
    points: int = 0
    out_of: int = 0
    verdict: str = "partial"  # good, partial, miss, neutral (the icon and colour)


@dataclass(frozen=True)
class WordedExplanation:
    score: int | None
    band: str  # high, medium, low, excluded
    band_label: str
    headline: str
    lines: tuple[ExplanationLine, ...] = field(default_factory=tuple)
    exclusion: str = ""

    @property
    def is_excluded(self) -> bool:
        return self.score is None


def _number(value: float, decimals: int = 0) -> str:
    if decimals and abs(value - round(value)) < 0.05:
        decimals = 0
    return number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(head)s and %(last)s") % {"head": ", ".join(items[:-1]), "last": items[-1]}


def _verdict(fit: float) -> str:
    return "good" if fit >= 0.999 else ("miss" if fit <= 0 else "partial")


def band_of(score: float | None) -> tuple[str, str]:
    if score is None:
        return "excluded", _("Not a match for now")
    if score >= BAND_HIGH:
        return "high", _("Strong match")
    if score >= BAND_MEDIUM:
        return "medium", _("Fair match")
    return "low", _("Partial match")


def _coverage(explanation: Explanation) -> str:
    """The headline: how many of the required skills the student covers."""
    covered = len(explanation.skills_covered)
    total = covered + len(explanation.skills_missing)
    if total == 0:
        return _("No particular skill required")
    if total == 1:
        return _("Covers the required skill") if covered else _("Does not have the required skill")
    return _("Covers %(covered)s of the %(total)s required skills") % {
        "covered": covered,
        "total": total,
    }


def _skills_line(explanation: Explanation, names: TaxonomyData) -> ExplanationLine:
    total = len(explanation.skills_covered) + len(explanation.skills_missing)
    text = _coverage(explanation)
    if explanation.skills_missing and total > 1:
        missing = [
            _("%(skill)s (%(level)s)")
            % {"skill": names.skill_name(m.skill_id), "level": LEVEL_PHRASES[m.required_level]}
            for m in explanation.skills_missing
        ]
        text = _("%(covered)s; missing %(missing)s") % {"covered": text, "missing": _join(missing)}
    elif explanation.skills_missing:
        only = explanation.skills_missing[0]
        text = _("Missing %(skill)s (%(level)s)") % {
            "skill": names.skill_name(only.skill_id),
            "level": LEVEL_PHRASES[only.required_level],
        }
    details = []
    for item in explanation.skills_covered:
        if item.via_related_skill_id is not None:
            details.append(
                _("%(related)s counts partly for %(skill)s (related skill)")
                % {
                    "related": names.skill_name(item.via_related_skill_id),
                    "skill": names.skill_name(item.skill_id),
                }
            )
        elif item.credit < 1:
            details.append(
                _("%(skill)s at %(level)s, %(required)s required")
                % {
                    "skill": names.skill_name(item.skill_id),
                    "level": LEVEL_PHRASES[item.student_level],
                    "required": LEVEL_PHRASES[item.required_level],
                }
            )
    return ExplanationLine(
        component="skills",
        label=_("Skills"),
        text=text,
        details=tuple(details),
        points=round(explanation.components["skills"]),
        out_of=int(WEIGHT_SKILLS),
        verdict=_verdict(explanation.skill_fit),
    )


def _availability_line(explanation: Explanation) -> ExplanationLine:
    if explanation.overlap_days == 0:
        text = _("Not available during the project's dates")
    elif explanation.hours_per_week <= 0:
        text = _("No weekly hours given yet")
    else:
        text = _(
            "Available %(per_week)s h/week × %(weeks)s weeks = %(available)s h "
            "for %(needed)s h needed"
        ) % {
            "per_week": _number(explanation.hours_per_week, 1),
            "weeks": _number(explanation.overlap_weeks, 1),
            "available": _number(explanation.hours_available),
            "needed": _number(explanation.hours_needed),
        }
    return ExplanationLine(
        component="availability",
        label=_("Availability"),
        text=text,
        points=round(explanation.components["availability"]),
        out_of=int(WEIGHT_AVAILABILITY),
        verdict=_verdict(explanation.availability_fit),
    )


def _location_line(explanation: Explanation) -> ExplanationLine:
    return ExplanationLine(
        component="location",
        label=_("Place"),
        text=str(LOCATION_PHRASES[explanation.location_verdict]),
        points=round(explanation.components["location"]),
        out_of=int(WEIGHT_LOCATION),
        verdict=_verdict(explanation.location_fit),
    )


def _causes_line(explanation: Explanation, names: TaxonomyData) -> ExplanationLine:
    shared = [names.cause_name(c) for c in explanation.shared_causes]
    if explanation.brief_causes == 0:
        text = _("The organisation has not named its causes")
    elif shared:
        text = ngettext("Shared cause: %(causes)s", "Shared causes: %(causes)s", len(shared)) % {
            "causes": _join(shared)
        }
    else:
        text = _("No shared cause")
    return ExplanationLine(
        component="causes",
        label=_("Causes"),
        text=text,
        points=round(explanation.components["causes"]),
        out_of=int(WEIGHT_CAUSES),
        verdict="neutral" if explanation.brief_causes == 0 else _verdict(explanation.cause_fit),
    )


def word_explanation(
    explanation: Explanation, *, names: TaxonomyData | None = None
) -> WordedExplanation:
    """Sentences for one explanation, in the active language."""
    names = names or taxonomy_data()
    skills = _skills_line(explanation, names)
    lines = (
        skills,
        _availability_line(explanation),
        _location_line(explanation),
        _causes_line(explanation, names),
    )
    score = None if explanation.score is None else round(explanation.score)
    band, band_label = band_of(explanation.score)
    if explanation.excluded is not None:
        band_label = str(EXCLUSION_BADGES[explanation.excluded])
    return WordedExplanation(
        score=score,
        band=band,
        band_label=band_label,
        headline=_coverage(explanation),
        lines=lines,
        exclusion=str(EXCLUSION_PHRASES[explanation.excluded]) if explanation.excluded else "",
    )
