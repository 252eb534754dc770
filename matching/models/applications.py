from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MOTIVATION_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 2000
MAX_FAVOURITES = 5


class ApplicationState(models.TextChoices):
    # Cohorts whose policy is "staff approve": nobody outside the school sees it yet.
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting school approval")
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Still waiting for a decision: the student may withdraw, the organisation may decide.
OPEN_STATES = frozenset(
    {ApplicationState.AWAITING_APPROVAL, ApplicationState.SUBMITTED, ApplicationState.SHORTLISTED}
)
# What the organisation decides on (it never sees an application awaiting school approval).
DECIDABLE_STATES = frozenset({ApplicationState.SUBMITTED, ApplicationState.SHORTLISTED})
# "Live" applications: open or accepted (declined and withdrawn ones are history).
LIVE_STATES = OPEN_STATES | {ApplicationState.ACCEPTED}


class ApplicationQuerySet(models.QuerySet["Application"]):
    """Who may see which application. Views and selectors start from these, so an
    application outside them is a 404, never a leak."""

    def of_student(self, user: Any) -> "ApplicationQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(student=user)

    def received_by(self, user: Any) -> "ApplicationQuerySet":
        """Applications to the briefs of the person's organisations, once the organisation
        may see them: submitted directly or approved by the school (``submitted_at``)."""
        if not user.is_authenticated:
            return self.none()
        from organisations.models import OrganisationMembership

        organisations = OrganisationMembership.objects.filter(user=user).values("organisation_id")
        return self.filter(brief__organisation_id__in=organisations, submitted_at__isnull=False)

    def supervised_by(self, user: Any) -> "ApplicationQuerySet":
        """Applications made within cohorts of the schools where the person is staff."""
        if not user.is_authenticated:
            return self.none()
        from students.models import SchoolStaff

        schools = SchoolStaff.objects.filter(user=user).values("school_id")
        return self.filter(enrolment__cohort__school_id__in=schools)

    def open(self) -> "ApplicationQuerySet":
        return self.filter(state__in=OPEN_STATES)


class Application(models.Model):
    """A student applies to a published brief, within one of their cohort enrolments."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    brief = models.ForeignKey(
        "organisations.Brief",
        verbose_name=_("brief"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    # The enrolment whose cohort rules apply (approval policy, accepted-applications cap).
    enrolment = models.ForeignKey(
        "students.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    motivation = models.TextField(_("motivation"), max_length=MOTIVATION_MAX_LENGTH)
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, db_index=True
    )
    organisation_note = models.TextField(
        _("note from the organisation"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    # When the organisation first saw it (submitted, or approved by the school).
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            # One application per student and brief, whatever its state.
            models.UniqueConstraint(fields=["student", "brief"], name="application_one_per_brief"),
        ]
        indexes: ClassVar = [models.Index(fields=["brief", "state"])]

    def __str__(self) -> str:
        return f"{self.student} → {self.brief}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def refused_by_school(self) -> bool:
        """Declined before the organisation saw it: the school did not approve it."""
        return self.state == ApplicationState.DECLINED and self.submitted_at is None


class TeamMember(models.Model):
    """A seat in a brief's team: taken by an accepted application or a published allocation.

    Seats are numbered 1..team_max and unique per brief, so two concurrent acceptances can
    never take the same seat even if the brief row lock were missed (belt and braces).
    """

    class Source(models.TextChoices):
        APPLICATION = "application", _("Accepted application")
        ALLOCATION = "allocation", _("Cohort allocation")

    brief = models.ForeignKey(
        "organisations.Brief",
        verbose_name=_("brief"),
        on_delete=models.CASCADE,
        related_name="team_members",
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    seat = models.PositiveSmallIntegerField(_("seat"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_member",
    )
    allocation = models.ForeignKey(
        "matching.AllocationRun",
        verbose_name=_("allocation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_members",
    )
    created_at = models.DateTimeField(_("joined on"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering: ClassVar = ["brief", "seat"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brief", "student"], name="team_member_once"),
            models.UniqueConstraint(fields=["brief", "seat"], name="team_member_seat_unique"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="team_member_seat_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.brief} #{self.seat}: {self.student}"


class SavedBrief(models.Model):
    """A brief a student keeps an eye on; up to five are ranked as favourites (1 = best),
    which the cohort allocation reads as the student's preferences."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="saved_briefs",
    )
    brief = models.ForeignKey(
        "organisations.Brief",
        verbose_name=_("brief"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rank = models.PositiveSmallIntegerField(_("favourite rank"), null=True, blank=True)
    created_at = models.DateTimeField(_("saved on"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved brief")
        verbose_name_plural = _("saved briefs")
        ordering: ClassVar = ["student", "rank", "-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["student", "brief"], name="saved_brief_once"),
            models.UniqueConstraint(
                fields=["student", "rank"],
                condition=Q(rank__isnull=False),
                name="saved_brief_rank_unique",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=MAX_FAVOURITES),
                name="saved_brief_rank_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ☆ {self.brief}"
