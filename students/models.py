"""Schools, their staff and cohorts; enrolments; student profiles (DESIGN.md §2–3).

Access is decided by the ``visible_to`` queryset methods below, used by views and by every
other app that lists these objects: an object outside them answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Cause, Skill
from matching.taxonomy import SkillLevel

from .validators import (
    departement_of,
    validate_github_url,
    validate_postcode,
    validate_web_url,
)

if TYPE_CHECKING:
    from humanitech.roles import Roles


# --- Schools and staff -----------------------------------------------------------------------


class SchoolQuerySet(models.QuerySet["School"]):
    def visible_to(self, user: Any) -> SchoolQuerySet:
        """Schools where ``user`` is a staff member (admin or supervisor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(staff__user=user)

    def administered_by(self, user: Any) -> SchoolQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(staff__user=user, staff__role=SchoolStaff.Role.ADMIN)


class School(models.Model):
    class Kind(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering school")
        BOOTCAMP = "bootcamp", _("Bootcamp")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering: ClassVar = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SchoolStaff(models.Model):
    """A staff member of a school. Admins run the school; supervisors follow cohorts."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        SUPERVISOR = "supervisor", _("Supervisor")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("school staff member")
        verbose_name_plural = _("school staff members")
        ordering: ClassVar = ["school", "user__last_name", "user__first_name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["school", "user"], name="schoolstaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.school} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """Common part of the two invitations: an address, a validity, a one-time acceptance.

    The link sent by email carries a signed token (``students.tokens``) naming the row and its
    ``nonce``: resending an invitation changes the nonce, so only the latest link works.
    """

    email = models.EmailField(_("email address"))
    nonce = models.CharField(max_length=32, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SchoolInvitation(Invitation):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=SchoolStaff.Role.choices)

    class Meta:
        verbose_name = _("school staff invitation")
        verbose_name_plural = _("school staff invitations")
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint("school", Lower("email"), name="schoolinvitation_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.school}"


# --- Cohorts ---------------------------------------------------------------------------------


class ApplicationPolicy(models.TextChoices):
    """How students of a cohort get onto projects. Issues #5 and #7 rely on these codes."""

    FREE = "free", _("Students apply freely")
    APPROVAL = "approval", _("A staff member approves each application")
    ALLOCATION = "allocation", _("Staff allocate the cohort to projects")


class CohortQuerySet(models.QuerySet["Cohort"]):
    def visible_to(self, user: Any) -> CohortQuerySet:
        """Cohorts of the schools where ``user`` is staff (admin or supervisor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(school__staff__user=user)

    def active(self) -> CohortQuerySet:
        return self.filter(archived_at__isnull=True)


class Cohort(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=150)
    programme = models.CharField(_("programme"), max_length=200)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    expected_hours = models.PositiveSmallIntegerField(
        _("expected hours per student"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    ects_credits = models.PositiveSmallIntegerField(
        _("ECTS credits"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    application_policy = models.CharField(
        _("application policy"),
        max_length=20,
        choices=ApplicationPolicy.choices,
        default=ApplicationPolicy.APPROVAL,
    )
    max_students = models.PositiveIntegerField(
        _("maximum number of students"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    # Enforced by the applications of issue #5.
    max_accepted_applications = models.PositiveSmallIntegerField(
        _("accepted applications per student"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisors"),
        blank=True,
        related_name="supervised_cohorts",
    )
    join_code = models.CharField(_("join code"), max_length=16, unique=True)
    join_code_expires_on = models.DateField(_("join code valid until"), null=True, blank=True)
    allowed_email_domain = models.CharField(_("allowed email domain"), max_length=120, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering: ClassVar = ["-starts_on", "name", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cohort_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def join_code_display(self) -> str:
        """The code as people read it aloud: ``ABCD-EFGH``."""
        code = self.join_code
        return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code

    def join_code_expired(self, today: Any = None) -> bool:
        if self.join_code_expires_on is None:
            return False
        return (today or timezone.localdate()) > self.join_code_expires_on


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def visible_to(self, user: Any) -> EnrolmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(cohort__school__staff__user=user)

    def active(self) -> EnrolmentQuerySet:
        return self.filter(cohort__archived_at__isnull=True)


class Enrolment(models.Model):
    class Source(models.TextChoices):
        CODE = "code", _("Join code")
        INVITATION = "invitation", _("Email invitation")
        IMPORT = "import", _("CSV import")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    group = models.CharField(_("group"), max_length=50, blank=True)
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering: ClassVar = ["cohort", "student__last_name", "student__first_name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cohort", "student"], name="enrolment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.cohort}"


class CohortInvitation(Invitation):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    group = models.CharField(_("group"), max_length=50, blank=True)
    source = models.CharField(
        _("how"),
        max_length=20,
        choices=Enrolment.Source.choices,
        default=Enrolment.Source.INVITATION,
    )

    class Meta:
        verbose_name = _("cohort invitation")
        verbose_name_plural = _("cohort invitations")
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint("cohort", Lower("email"), name="cohortinvitation_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort}"


class RosterImport(models.Model):
    """A parsed CSV roster waiting for confirmation (the preview step), keyed by ``token``.

    The rows stay on the server between the preview and the confirmation, so what is imported
    is exactly what was previewed. They are cleared once imported (only the counts remain).
    """

    token = models.UUIDField(unique=True, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="roster_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    imported_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("CSV import")
        verbose_name_plural = _("CSV imports")
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.cohort}"


# --- Student profiles ------------------------------------------------------------------------


class RemotePreference(models.TextChoices):
    """Where the student can work. The matching engine reads these codes."""

    EITHER = "either", _("Remote or on site")
    REMOTE_ONLY = "remote_only", _("Remote only")
    ONSITE_ONLY = "onsite_only", _("On site only, near my city")


class StudentProfileQuerySet(models.QuerySet["StudentProfile"]):
    def visible_to(self, user: Any, *, roles: Roles | None = None) -> StudentProfileQuerySet:
        """Profiles ``user`` may read: their own; those of students enrolled in a cohort of a
        school where they are staff; and, for organisation members, those opted in."""
        if not user.is_authenticated:
            return self.none()
        if roles is None:
            from humanitech.roles import roles_for

            roles = roles_for(user)
        condition = Q(user=user)
        if roles.school_ids:
            condition |= Q(
                Exists(
                    Enrolment.objects.filter(
                        student=OuterRef("user"), cohort__school_id__in=roles.school_ids
                    )
                )
            )
        if roles.is_organisation_member:
            condition |= Q(visible_to_organisations=True)
        return self.filter(condition)


class StudentProfile(models.Model):
    """What a student can do, when and where: read by the matching engine (issue #5)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile"
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # French postcode; the département is its first two characters (2A/2B in Corsica, 97x).
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    remote_preference = models.CharField(
        _("where you can work"),
        max_length=20,
        choices=RemotePreference.choices,
        default=RemotePreference.EITHER,
    )
    causes = models.ManyToManyField(Cause, verbose_name=_("causes"), blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    github_url = models.URLField(_("GitHub profile"), blank=True, validators=[validate_github_url])
    portfolio_url = models.URLField(
        _("portfolio or website"), blank=True, validators=[validate_web_url]
    )
    bio = models.TextField(_("about you"), max_length=1000, blank=True)
    # Opt-in, off by default; the date records the consent and is cleared on revocation.
    visible_to_organisations = models.BooleanField(_("visible to organisations"), default=False)
    visibility_consented_at = models.DateTimeField(
        _("visibility consented on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudentProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")
        ordering: ClassVar = ["user__last_name", "user__first_name", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="studentprofile_availability_in_order",
            ),
            models.CheckConstraint(
                condition=Q(visible_to_organisations=False)
                | Q(visibility_consented_at__isnull=False),
                name="studentprofile_visibility_has_consent_date",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def departement(self) -> str:
        """Département code from the postcode: ``59``, ``2A``/``2B`` (Corsica), ``971``…"""
        return departement_of(self.postcode)


class StudentSkillQuerySet(models.QuerySet["StudentSkill"]):
    def held(self) -> StudentSkillQuerySet:
        """Skills the student has: learning wishes do not count as having the skill."""
        return self.filter(wants_to_learn=False)


class StudentSkill(models.Model):
    """A skill of a student's profile.

    ``wants_to_learn`` marks a wish, not a competence: the matching engine must skip those
    rows when it measures skill coverage (use ``StudentSkill.objects.held()``).
    """

    profile = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.NOTIONS
    )
    wants_to_learn = models.BooleanField(_("I want to learn it"), default=False)

    objects = StudentSkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("student skill")
        verbose_name_plural = _("student skills")
        ordering: ClassVar = ["wants_to_learn", "-level", "skill__name_fr", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "skill"], name="studentskill_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="studentskill_level_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"
