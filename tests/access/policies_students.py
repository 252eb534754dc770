"""Access to schools, cohorts and profiles: school B's staff get 404 on school A's objects, a
student only edits their own profile, organisations see a profile only if the student opted
in (the opt-in case is in tests/students/test_views.py)."""

import uuid
from typing import Any

from students.models import (
    CohortInvitation,
    Enrolment,
    RosterImport,
    SchoolInvitation,
    SchoolStaff,
)
from students.tokens import invitation_token
from tests.factories import UserFactory

from . import LOGIN, PRIVATE_ANY_USER, REDIRECT, Policy

_404 = {"*": 404, "anonymous": LOGIN}


def _only(role: str, outcome: Any) -> dict[str, Any]:
    return {**_404, role: outcome}


def _school_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.school_a.pk}


def _cohort_a(cast: Any) -> dict[str, Any]:
    return {"pk": cast.cohort_a.pk}


def _new_staff(cast: Any) -> dict[str, Any]:
    member = SchoolStaff.objects.create(
        school=cast.school_a, user=UserFactory.create(), role=SchoolStaff.Role.SUPERVISOR
    )
    return {"pk": cast.school_a.pk, "staff_pk": member.pk}


def _school_invitation(cast: Any, email: str = "") -> SchoolInvitation:
    from datetime import timedelta

    from django.utils import timezone

    return SchoolInvitation.objects.create(
        school=cast.school_a,
        email=email or f"{uuid.uuid4().hex[:8]}@ecole-a.fr",
        role=SchoolStaff.Role.SUPERVISOR,
        nonce=uuid.uuid4().hex[:16],
        expires_at=timezone.now() + timedelta(days=14),
    )


def _cohort_invitation(cast: Any, email: str = "") -> CohortInvitation:
    from datetime import timedelta

    from django.utils import timezone

    return CohortInvitation.objects.create(
        cohort=cast.cohort_a,
        email=email or f"{uuid.uuid4().hex[:8]}@ecole-a.fr",
        nonce=uuid.uuid4().hex[:16],
        expires_at=timezone.now() + timedelta(days=14),
    )


# One invitation per address and school or cohort: the previous role's one makes way.
def _school_invitation_to_staff_b(cast: Any) -> dict[str, Any]:
    SchoolInvitation.objects.filter(school=cast.school_a, email=cast.staff_b.email).delete()
    return {"pk": _school_invitation(cast, email=cast.staff_b.email).pk}


def _cohort_invitation_to_student_b(cast: Any) -> dict[str, Any]:
    CohortInvitation.objects.filter(cohort=cast.cohort_a, email=cast.student_b.email).delete()
    return {"pk": _cohort_invitation(cast, email=cast.student_b.email).pk}


def _staged_import(cast: Any) -> dict[str, Any]:
    staged = RosterImport.objects.create(
        token=uuid.uuid4(),
        cohort=cast.cohort_a,
        created_by=cast.staff_a,
        filename="promo.csv",
        rows=[
            {
                "line": 2,
                "email": f"{uuid.uuid4().hex[:8]}@ecole-a.fr",
                "first_name": "Inès",
                "last_name": "Roux",
                "group": "",
            }
        ],
    )
    return {"pk": cast.cohort_a.pk, "token": staged.token}


def _new_enrolment(cast: Any) -> dict[str, Any]:
    enrolment = Enrolment.objects.create(
        cohort=cast.cohort_a, student=UserFactory.create(), source=Enrolment.Source.CODE
    )
    return {"pk": cast.cohort_a.pk, "enrolment_pk": enrolment.pk}


def _staff_a_get(kwargs: Any) -> Policy:
    return Policy(_only("staff_a", 200), kwargs=kwargs)


def _staff_a_post(kwargs: Any) -> Policy:
    return Policy(_only("staff_a", REDIRECT), kwargs=kwargs, method="post")


POLICIES = {
    "students:school_list": PRIVATE_ANY_USER,
    "students:school_create": PRIVATE_ANY_USER,
    "students:school_detail": _staff_a_get(_school_a),
    "students:school_edit": _staff_a_get(_school_a),
    "students:school_staff_invite": _staff_a_get(_school_a),
    "students:school_staff_remove": _staff_a_post(_new_staff),
    "students:school_invitation_revoke": _staff_a_post(
        lambda cast: {"pk": cast.school_a.pk, "invitation_pk": _school_invitation(cast).pk}
    ),
    # Anyone holding the link sees the invitation; accepting needs an account.
    "students:school_invitation_accept": Policy(
        {"*": 200},
        kwargs=lambda cast: {
            "token": invitation_token("school", (i := _school_invitation(cast)).pk, i.nonce)
        },
    ),
    # From the dashboard: only the person the invitation was sent to.
    "students:school_invitation_join": Policy(
        _only("staff_b", REDIRECT),
        kwargs=_school_invitation_to_staff_b,
        method="post",
    ),
    "students:cohort_create": _staff_a_get(_school_a),
    "students:cohort_detail": _staff_a_get(_cohort_a),
    "students:cohort_edit": _staff_a_get(_cohort_a),
    "students:cohort_archive": _staff_a_post(_cohort_a),
    "students:cohort_unarchive": _staff_a_post(_cohort_a),
    "students:cohort_join_code_regenerate": _staff_a_post(_cohort_a),
    "students:cohort_invite": _staff_a_get(_cohort_a),
    "students:cohort_invitation_revoke": _staff_a_post(
        lambda cast: {"pk": cast.cohort_a.pk, "invitation_pk": _cohort_invitation(cast).pk}
    ),
    "students:cohort_import": _staff_a_get(_cohort_a),
    "students:cohort_import_preview": _staff_a_get(_staged_import),
    "students:cohort_import_confirm": _staff_a_post(_staged_import),
    "students:cohort_export": _staff_a_get(_cohort_a),
    "students:enrolment_remove": _staff_a_post(_new_enrolment),
    "students:join": PRIVATE_ANY_USER,
    "students:join_with_code": Policy(
        {"*": 200, "anonymous": LOGIN}, kwargs=lambda cast: {"code": cast.cohort_a.join_code}
    ),
    "students:cohort_invitation_accept": Policy(
        {"*": 200},
        kwargs=lambda cast: {
            "token": invitation_token("cohort", (i := _cohort_invitation(cast)).pk, i.nonce)
        },
    ),
    "students:cohort_invitation_join": Policy(
        _only("student_b", REDIRECT), kwargs=_cohort_invitation_to_student_b, method="post"
    ),
    # The student's own profile; people who are not students are sent to "join a cohort".
    "students:profile_edit": Policy(
        {"*": REDIRECT, "anonymous": LOGIN, "student_a": 200, "student_b": 200}
    ),
    # student_a has not opted in: only they and their school's staff see the profile.
    "students:profile_detail": Policy(
        {**_404, "student_a": 200, "staff_a": 200}, kwargs=lambda cast: {"pk": cast.profile_a.pk}
    ),
}
