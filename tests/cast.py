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
    """Organisation A (owner_a, member_a) and organisation B (owner_b)."""


def _cast_students(cast: Cast) -> None:
    """School A (staff_a) with student_a enrolled, school B (staff_b) with student_b."""
