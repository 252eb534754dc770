from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Cause, Skill
from matching.taxonomy import NeedCategory, SkillLevel, SkillWeight

from .validators import (
    reject_markup,
    validate_postcode,
    validate_rna,
    validate_siren,
    validate_siret,
    validate_web_url,
)
from .workflow import EDITABLE_STATES, PUBLIC_STATES, BriefState, VerificationState

if TYPE_CHECKING:
    from accounts.models import User

TITLE_MAX_LENGTH = 120
LONG_TEXT_MAX_LENGTH = 5000


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association (loi 1901)")
    SCOP = "scop", _("SCOP (workers' cooperative)")
    SCIC = "scic", _("SCIC (community interest cooperative)")
    ESUS = "esus", _("ESUS-approved company")
    FOUNDATION = "foundation", _("Foundation")
    MUTUAL = "mutual", _("Mutual")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class WorkMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ONSITE = "onsite", _("On site")
    HYBRID = "hybrid", _("Hybrid")


def _member_organisation_ids(user: "User | AnonymousUser") -> models.QuerySet:
    return OrganisationMembership.objects.filter(user_id=user.pk or 0).values("organisation_id")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def of_member(self, user: "User | AnonymousUser") -> "OrganisationQuerySet":
        """Organisations the person belongs to (any role); nothing for a visitor."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=_member_organisation_ids(user))

    def verified(self) -> "OrganisationQuerySet":
        return self.filter(verification_state=VerificationState.VERIFIED)


class Organisation(models.Model):
    """An association or social enterprise with digital needs."""

    name = models.CharField(_("name"), max_length=150, validators=[reject_markup])
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    rna = models.CharField(_("RNA number"), max_length=10, blank=True, validators=[validate_rna])
    siren = models.CharField(
        _("SIREN number"), max_length=9, blank=True, validators=[validate_siren]
    )
    siret = models.CharField(
        _("SIRET number"), max_length=14, blank=True, validators=[validate_siret]
    )
    causes = models.ManyToManyField(Cause, verbose_name=_("causes"), related_name="+")
    city = models.CharField(_("city"), max_length=100, validators=[reject_markup])
    postcode = models.CharField(_("postcode"), max_length=5, validators=[validate_postcode])
    website = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    description = models.TextField(_("description"), max_length=2000, validators=[reject_markup])
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    verification_state = models.CharField(
        _("verification"),
        max_length=16,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
        db_index=True,
    )
    verification_reason = models.TextField(_("reason given by the moderator"), blank=True)
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    members: "models.ManyToManyField[User, OrganisationMembership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar = ["name"]
        permissions: ClassVar = [
            ("verify_organisation", _("Can verify or reject organisations")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"pk": self.pk})

    @property
    def is_verified(self) -> bool:
        return self.verification_state == VerificationState.VERIFIED


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering: ClassVar = ["organisation", "role", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def is_owner(self) -> bool:
        return self.role == MembershipRole.OWNER


class InvitationQuerySet(models.QuerySet["OrganisationInvitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class OrganisationInvitation(models.Model):
    """An emailed invitation to join an organisation. Only a hash of its token is stored:
    the link in the email is the only copy of the secret."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class BriefQuerySet(models.QuerySet["Brief"]):
    def published(self) -> "BriefQuerySet":
        """Open for applications: what the public catalogue lists."""
        return self.filter(state=BriefState.PUBLISHED)

    def public(self) -> "BriefQuerySet":
        return self.filter(state__in=PUBLIC_STATES)

    def of_member(self, user: "User | AnonymousUser") -> "BriefQuerySet":
        """Every brief, in any state, of the organisations the person belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation_id__in=_member_organisation_ids(user))

    def visible_to(self, user: "User | AnonymousUser") -> "BriefQuerySet":
        """Public briefs, plus every brief of the person's own organisations. Drafts,
        briefs under review, rejected and cancelled ones stay inside the organisation."""
        if not user.is_authenticated:
            return self.public()
        return self.filter(
            Q(state__in=PUBLIC_STATES) | Q(organisation_id__in=_member_organisation_ids(user))
        )


class Brief(models.Model):
    """A digital need of an organisation, described for students."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="briefs",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, validators=[reject_markup])
    need_category = models.CharField(
        _("kind of need"), max_length=32, choices=NeedCategory.choices, db_index=True
    )
    problem = models.TextField(
        _("the problem"), max_length=LONG_TEXT_MAX_LENGTH, validators=[reject_markup]
    )
    existing_tools = models.TextField(
        _("what you use today"),
        max_length=2000,
        blank=True,
        validators=[reject_markup],
    )
    expected_outcome = models.TextField(
        _("what success looks like"),
        max_length=LONG_TEXT_MAX_LENGTH,
        blank=True,
        validators=[reject_markup],
    )
    team_min = models.PositiveSmallIntegerField(_("minimum team size"), default=2)
    team_max = models.PositiveSmallIntegerField(_("maximum team size"), default=4)
    effort_hours = models.PositiveIntegerField(_("estimated effort (hours)"), null=True, blank=True)
    start_date = models.DateField(_("earliest start"), null=True, blank=True)
    end_date = models.DateField(_("deadline"), null=True, blank=True)
    work_mode = models.CharField(
        _("where the work happens"),
        max_length=10,
        choices=WorkMode.choices,
        default=WorkMode.REMOTE,
    )
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[reject_markup])
    postcode = models.CharField(
        _("postcode"), max_length=5, blank=True, validators=[validate_postcode]
    )
    # Derived by the services from postcode and city (filters of the catalogue).
    department = models.CharField(_("département"), max_length=3, blank=True, editable=False)
    place_key = models.CharField(max_length=100, blank=True, editable=False)

    state = models.CharField(
        _("state"), max_length=16, choices=BriefState.choices, default=BriefState.DRAFT
    )
    rejection_reason = models.TextField(_("what the moderator asked to change"), blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    skills = models.ManyToManyField(Skill, through="BriefSkill", related_name="+")

    # Full-text search, maintained by organisations.search (services call it on save):
    # folded text everywhere (SQLite fallback), a French tsvector on PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BriefQuerySet.as_manager()

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")
        ordering: ClassVar = ["-created_at"]
        permissions: ClassVar = [
            ("moderate_brief", _("Can publish or reject briefs")),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "-published_at"], name="brief_state_published"),
            models.Index(fields=["state", "start_date"], name="brief_state_start"),
            models.Index(fields=["department"], name="brief_department"),
            models.Index(fields=["place_key"], name="brief_place"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(team_min__gte=1), name="brief_team_min_positive"),
            models.CheckConstraint(
                condition=Q(team_max__gte=F("team_min")), name="brief_team_max_gte_min"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="brief_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("briefs:detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_public(self) -> bool:
        """Its page answers to everyone (``Brief.objects.public()``), not only its members."""
        return self.state in PUBLIC_STATES


class BriefSkill(models.Model):
    """A skill a brief needs, at a level, with a weight (how much it matters)."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="brief_skills")
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE
    )
    weight = models.PositiveSmallIntegerField(
        _("importance"), choices=SkillWeight.choices, default=SkillWeight.IMPORTANT
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        ordering: ClassVar = ["-weight", "-level", "skill__name_fr"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brief", "skill"], name="briefskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()}, {self.get_weight_display()})"
