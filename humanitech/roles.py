"""What a person can do here, derived once per request from their memberships.

Roles are not a field on the user (DESIGN.md §2): one person may own an organisation and
supervise a cohort. Each app answers for its own memberships through its selectors.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_moderator: bool = False
    organisation_ids: tuple[int, ...] = field(default_factory=tuple)
    school_ids: tuple[int, ...] = field(default_factory=tuple)
    is_student: bool = False

    @property
    def is_organisation_member(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def is_school_staff(self) -> bool:
        return bool(self.school_ids)


MODERATOR_GROUP = "moderators"


def roles_for(user: User | AnonymousUser) -> Roles:
    if not user.is_authenticated:
        return Roles()
    assert isinstance(user, User)
    return Roles(
        is_authenticated=True,
        is_moderator=user.is_superuser
        or (user.is_staff and user.groups.filter(name=MODERATOR_GROUP).exists()),
        organisation_ids=_organisation_ids(user),
        school_ids=_school_ids(user),
        is_student=_is_student(user),
    )


def _organisation_ids(user: User) -> tuple[int, ...]:
    from organisations.models import OrganisationMembership

    return tuple(
        OrganisationMembership.objects.filter(user=user)
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
    )


def _school_ids(user: User) -> tuple[int, ...]:
    from students.models import SchoolStaff

    return tuple(
        SchoolStaff.objects.filter(user=user)
        .order_by("school_id")
        .values_list("school_id", flat=True)
    )


def _is_student(user: User) -> bool:
    # A student profile, or an enrolment in a cohort that is not archived: one query.
    from django.db.models import Exists, OuterRef

    from students.models import Enrolment, StudentProfile

    return User.objects.filter(
        Exists(StudentProfile.objects.filter(user=OuterRef("pk")))
        | Exists(Enrolment.objects.active().filter(student=OuterRef("pk"))),
        pk=user.pk,
    ).exists()


# Least privilege: moderators verify, publish and reject, and read the audit trail. They
# cannot delete, edit users or change permissions; that stays with superusers.
MODERATOR_PERMISSIONS = [
    "accounts.view_auditevent",
    # The notification outbox: moderators read what was sent and why it failed; re-sending
    # needs the change permission (superusers).
    "notifications.view_notification",
    # The skills taxonomy is curated by moderators.
    *(
        f"matching.{action}_{model}"
        for action in ("add", "change", "view")
        for model in ("skill", "skillrelation", "cause", "needcategoryskill")
    ),
    # Schools and cohorts are read in the admin (reports, support); students' profiles,
    # enrolments and invitations hold personal data and stay out of reach.
    "students.view_school",
    "students.view_schoolstaff",
    "students.view_cohort",
    # Organisations and briefs are read in the admin and change state only through the
    # moderation actions (services): no change, add or delete permission.
    "organisations.view_organisation",
    "organisations.view_organisationmembership",
    "organisations.view_brief",
    "organisations.view_briefskill",
    "organisations.verify_organisation",
    "organisations.moderate_brief",
    # Recompute runs of the recommendations: moderators follow them and start one by hand
    # ("adding" a run is starting it); the scores themselves stay out of the admin.
    "matching.view_recomputerun",
    "matching.add_recomputerun",
]


def sync_moderator_group() -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=MODERATOR_GROUP)
    wanted: list[Permission] = []
    for dotted in MODERATOR_PERMISSIONS:
        app_label, codename = dotted.split(".")
        wanted.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
