"""How complete a student profile is, and what is missing (pure: no database).

The weights favour what the matching engine needs most: skills, then availability and place.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SKILLS_WANTED = 3


@dataclass(frozen=True)
class ProfileFacts:
    held_skills: int = 0
    has_hours: bool = False
    has_dates: bool = False
    has_place: bool = False
    causes: int = 0
    languages: int = 0
    has_bio: bool = False
    has_links: bool = False


@dataclass(frozen=True)
class MissingItem:
    # ``section`` is the id of the fieldset of the profile form that fixes it.
    section: str
    label: Promise


@dataclass(frozen=True)
class Completion:
    percent: int
    missing: tuple[MissingItem, ...]

    @property
    def is_complete(self) -> bool:
        return not self.missing


# section, weight, what the student should do
ITEMS: tuple[tuple[str, int, Promise], ...] = (
    ("skills", 35, _("Add at least three skills with their level.")),
    ("availability", 20, _("Say how many hours a week you can give, and between which dates.")),
    ("place", 15, _("Give your city and postcode.")),
    ("causes", 10, _("Choose the causes you care about.")),
    ("bio", 10, _("Write a few words about yourself.")),
    ("languages", 5, _("Tell us which languages you speak.")),
    ("links", 5, _("Add a link to your GitHub profile or your portfolio.")),
)


def profile_completion(facts: ProfileFacts) -> Completion:
    score = {
        "skills": min(facts.held_skills, SKILLS_WANTED) / SKILLS_WANTED,
        "availability": (facts.has_hours + facts.has_dates) / 2,
        "place": float(facts.has_place),
        "causes": float(facts.causes > 0),
        "bio": float(facts.has_bio),
        "languages": float(facts.languages > 0),
        "links": float(facts.has_links),
    }
    percent = round(sum(weight * score[section] for section, weight, _label in ITEMS))
    missing = tuple(
        MissingItem(section, label) for section, _weight, label in ITEMS if score[section] < 1
    )
    return Completion(percent=percent, missing=missing)
