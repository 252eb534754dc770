"""The fixed test cast (see STYLE.md): who owns what, and who must see nothing.

- owner_a owns organisation A, member_a is a plain member of it; owner_b owns organisation B.
- staff_a works for school A, staff_b for school B.
- student_a is enrolled in a cohort of school A, student_b in one of school B.
- moderator is in the moderators group; anonymous is nobody.

Each app fills in its own part of the cast (``_cast_<app>``) once its models exist.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group

from accounts.models import User
from humanitech.roles import MODERATOR_GROUP

from .factories import UserFactory

ROLES = (
    "anonymous",
    "owner_a",
    "member_a",
    "owner_b",
    "staff_a",
    "staff_b",
    "student_a",
    "student_b",
    "moderator",
)


@dataclass
class Cast:
    owner_a: User
    member_a: User
    owner_b: User
    staff_a: User
    staff_b: User
    student_a: User
    student_b: User
    moderator: User
    # Objects each app adds to the cast: org_a, org_b, school_a, cohort_a, …
    objects: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _user(email: str, **fields: object) -> User:
    user: User = UserFactory.create(email=email, **fields)
    return user


def build_cast() -> Cast:
    cast = Cast(
        owner_a=_user(email="owner.a@asso-a.fr", intent=User.Intent.ORGANISATION),
        member_a=_user(email="member.a@asso-a.fr", intent=User.Intent.ORGANISATION),
        owner_b=_user(email="owner.b@asso-b.fr", intent=User.Intent.ORGANISATION),
        staff_a=_user(email="staff.a@ecole-a.fr", intent=User.Intent.SCHOOL_STAFF),
        staff_b=_user(email="staff.b@ecole-b.fr", intent=User.Intent.SCHOOL_STAFF),
        student_a=_user(email="student.a@ecole-a.fr", intent=User.Intent.STUDENT),
        student_b=_user(email="student.b@ecole-b.fr", intent=User.Intent.STUDENT),
        moderator=_user(email="moderator@humanitech.fr", is_staff=True),
    )
    cast.moderator.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    _cast_organisations(cast)
    _cast_students(cast)
    return cast


def _cast_organisations(cast: Cast) -> None:
    """Organisation A (owner_a, member_a) and organisation B (owner_b), both verified.

    brief_a is a published brief of A (remote, website, one skill), draft_a a draft of A,
    brief_b a published brief of B. Created directly (no services): a handful of inserts.
    """
    import datetime

    from django.utils import timezone

    from matching.models import Skill
    from organisations.models import (
        Brief,
        BriefSkill,
        MembershipRole,
        Organisation,
        OrganisationMembership,
    )
    from organisations.workflow import BriefState, VerificationState

    now = timezone.now()
    today = datetime.date.today()
    places = (("a", "Lille", "59000", "W591000001"), ("b", "Lyon", "69001", "W691000002"))
    for letter, city, postcode, rna in places:
        organisation = Organisation.objects.create(
            name=f"Association {letter.upper()}",
            legal_form="association",
            rna=rna,
            city=city,
            postcode=postcode,
            description="Une association du quartier.",
            verification_state=VerificationState.VERIFIED,
            verified_at=now,
        )
        cast.objects[f"org_{letter}"] = organisation
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(
                organisation=cast.org_a, user=cast.owner_a, role=MembershipRole.OWNER
            ),
            OrganisationMembership(
                organisation=cast.org_a, user=cast.member_a, role=MembershipRole.MEMBER
            ),
            OrganisationMembership(
                organisation=cast.org_b, user=cast.owner_b, role=MembershipRole.OWNER
            ),
        ]
    )
    common = {
        "need_category": "website",
        "problem": "Notre site internet est ancien et nos adhérents ne trouvent rien.",
        "expected_outcome": "Un site simple que les bénévoles mettent à jour.",
        "effort_hours": 80,
        "start_date": today + datetime.timedelta(days=14),
        "end_date": today + datetime.timedelta(days=90),
    }
    for name, organisation, state in (
        ("brief_a", cast.org_a, BriefState.PUBLISHED),
        ("draft_a", cast.org_a, BriefState.DRAFT),
        ("brief_b", cast.org_b, BriefState.PUBLISHED),
    ):
        cast.objects[name] = Brief.objects.create(
            organisation=organisation,
            title=f"Site internet ({name})",
            state=state,
            published_at=now if state == BriefState.PUBLISHED else None,
            **common,
        )
    BriefSkill.objects.create(brief=cast.brief_a, skill=Skill.objects.get(slug="wordpress"))


def _cast_students(cast: Cast) -> None:
    """School A (staff_a) with student_a enrolled, school B (staff_b) with student_b.

    cohort_a (policy "approval") runs over the coming months; student_a's profile has Django
    (level 3) and PostgreSQL (level 2), 8 h/week over the cohort dates, in Lille (59000).
    """
    import datetime

    from matching.models import Skill
    from students.models import (
        ApplicationPolicy,
        Cohort,
        Enrolment,
        School,
        SchoolStaff,
        StudentProfile,
        StudentSkill,
    )
    from students.tokens import generate_join_code

    today = datetime.date.today()
    for letter, kind, city in (("a", "engineering", "Lille"), ("b", "bootcamp", "Roubaix")):
        school = School.objects.create(name=f"École {letter.upper()}", kind=kind, city=city)
        SchoolStaff.objects.create(
            school=school, user=getattr(cast, f"staff_{letter}"), role=SchoolStaff.Role.ADMIN
        )
        cohort = Cohort.objects.create(
            school=school,
            name=f"Promotion {letter.upper()}",
            programme="Développement web",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=120),
            expected_hours=60,
            application_policy=ApplicationPolicy.APPROVAL,
            join_code=generate_join_code(),
        )
        student = getattr(cast, f"student_{letter}")
        Enrolment.objects.create(cohort=cohort, student=student, source=Enrolment.Source.CODE)
        cast.objects[f"school_{letter}"] = school
        cast.objects[f"cohort_{letter}"] = cohort
    profile = StudentProfile.objects.create(
        user=cast.student_a,
        hours_per_week=8,
        available_from=cast.cohort_a.starts_on,
        available_until=cast.cohort_a.ends_on,
        city="Lille",
        postcode="59000",
        languages=["fr", "en"],
    )
    skills = {
        skill.slug: skill for skill in Skill.objects.filter(slug__in=["django", "postgresql"])
    }
    StudentSkill.objects.bulk_create(
        [
            StudentSkill(profile=profile, skill=skills["django"], level=3),
            StudentSkill(profile=profile, skill=skills["postgresql"], level=2),
        ]
    )
    cast.objects["profile_a"] = profile
    cast.objects["profile_b"] = StudentProfile.objects.create(user=cast.student_b)
