"""Models of the matching app, one module per concern:

- ``taxonomy``: skills, related skills, causes, need-category default skills;
- ``applications``: applications, teams, saved briefs (favourites);
- ``recommendations``: precomputed top matches and their recompute runs;
- ``allocations``: briefs opened to a cohort and cohort allocation runs.
"""

from .allocations import AllocationRun, CohortBrief, OrganisationRanking
from .applications import Application, ApplicationState, SavedBrief, TeamMember
from .recommendations import MatchScore, RecomputeRun
from .taxonomy import BilingualName, Cause, NeedCategorySkill, Skill, SkillRelation

__all__ = [
    "AllocationRun",
    "Application",
    "ApplicationState",
    "BilingualName",
    "Cause",
    "CohortBrief",
    "MatchScore",
    "NeedCategorySkill",
    "OrganisationRanking",
    "RecomputeRun",
    "SavedBrief",
    "Skill",
    "SkillRelation",
    "TeamMember",
]
