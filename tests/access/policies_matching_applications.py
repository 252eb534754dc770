"""Access to the applications pages: a student acts on their own applications only,
organisation A's members on the applications to A's briefs, school A's staff on the
applications of school A's cohorts. Everyone else gets a 404, as for a page that does not
exist (a refused action on an object one may see is a redirect with a message)."""

from typing import Any

from django.utils import timezone

from matching.models import Application, ApplicationState, TeamMember
from students.models import Enrolment

from . import LOGIN, PRIVATE_ANY_USER, REDIRECT, Policy

_404 = {"*": 404, "anonymous": LOGIN}
ORG_A_PAGE = {**_404, "owner_a": 200, "member_a": 200}
ORG_A_ACTION = {**_404, "owner_a": REDIRECT, "member_a": REDIRECT}
STAFF_A_PAGE = {**_404, "staff_a": 200}
STAFF_A_ACTION = {**_404, "staff_a": REDIRECT}
STUDENT_A_ACTION = {**_404, "student_a": REDIRECT}


def _application_a(cast: Any, state: str) -> Application:
    """student_a's application to brief_a, reset to ``state`` for each role."""
    TeamMember.objects.filter(brief=cast.brief_a).delete()
    enrolment = Enrolment.objects.get(student=cast.student_a, cohort=cast.cohort_a)
    application, _ = Application.objects.update_or_create(
        student=cast.student_a,
        brief=cast.brief_a,
        defaults={
            "enrolment": enrolment,
            "motivation": "J'ai envie d'aider le quartier.",
            "state": state,
            "submitted_at": None if state == ApplicationState.AWAITING_APPROVAL else timezone.now(),
        },
    )
    return application


def _submitted(cast: Any) -> dict[str, Any]:
    return {"pk": _application_a(cast, ApplicationState.SUBMITTED).pk}


def _awaiting(cast: Any) -> dict[str, Any]:
    return {"pk": _application_a(cast, ApplicationState.AWAITING_APPROVAL).pk}


def _brief_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.brief_a.pk}


def _cohort_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.cohort_a.pk}


POLICIES = {
    "matching:my_applications": PRIVATE_ANY_USER,
    # Anyone signed in may open the form of a published brief; it says who may apply.
    "matching:apply": Policy({"*": 200, "anonymous": LOGIN}, kwargs=_brief_a),
    "matching:application_withdraw": Policy(STUDENT_A_ACTION, kwargs=_submitted, method="post"),
    "matching:brief_applications": Policy(ORG_A_PAGE, kwargs=_brief_a),
    "matching:application_shortlist": Policy(ORG_A_ACTION, kwargs=_submitted, method="post"),
    "matching:application_accept": Policy(ORG_A_ACTION, kwargs=_submitted, method="post"),
    "matching:application_decline": Policy(ORG_A_ACTION, kwargs=_submitted, method="post"),
    "matching:project_start": Policy(ORG_A_ACTION, kwargs=_brief_a, method="post"),
    "matching:cohort_applications": Policy(STAFF_A_PAGE, kwargs=_cohort_a),
    "matching:application_approve": Policy(STAFF_A_ACTION, kwargs=_awaiting, method="post"),
    "matching:application_refuse": Policy(
        STAFF_A_ACTION,
        kwargs=_awaiting,
        method="post",
        data=lambda cast: {"reason": "Ce projet ne correspond pas à votre parcours."},
    ),
}
