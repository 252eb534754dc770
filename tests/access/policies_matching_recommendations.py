"""Access to the recommendations: every signed-in person reads only their own "Missions
pour vous" (a page without a profile shows how to get one); "Profils recommandés" of a brief
is for the members of its organisation, a 404 for everyone else (moderators included)."""

from typing import Any

from . import LOGIN, PRIVATE_ANY_USER, REDIRECT, Policy


def _brief_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.brief_a.pk}


POLICIES = {
    "matching:recommendations": PRIVATE_ANY_USER,
    "matching:brief_recommendations": Policy(
        {"*": 404, "anonymous": LOGIN, "owner_a": 200, "member_a": 200}, kwargs=_brief_a
    ),
    # Everyone but staff is sent to the admin login; GET is refused (a run starts by POST).
    "admin:matching_recomputerun_recompute": Policy({"*": REDIRECT, "moderator": 405}),
}
