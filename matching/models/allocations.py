from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CohortBrief(models.Model):
    """A published brief opened by school staff to one of their cohorts (for the cohort
    allocation and for "a cohort working with the organisation")."""

    cohort = models.ForeignKey(
        "students.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="opened_briefs",
    )
    brief = models.ForeignKey(
        "organisations.Brief",
        verbose_name=_("brief"),
        on_delete=models.CASCADE,
        related_name="cohort_openings",
    )
    # Seats offered to this cohort; defaults to the brief's team_max when empty.
    capacity = models.PositiveSmallIntegerField(_("seats for this cohort"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened on"), auto_now_add=True)

    class Meta:
        verbose_name = _("brief opened to a cohort")
        verbose_name_plural = _("briefs opened to cohorts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cohort", "brief"], name="cohort_brief_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} ← {self.brief}"


class OrganisationRanking(models.Model):
    """An organisation's own order of the cohort's students (overrides the match scores),
    and how many of them it can host in total."""

    # The most an organisation may type; cohorts have a few hundred students at most.
    MAX_CAPACITY = 999

    cohort = models.ForeignKey("students.Cohort", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # Student user ids, best first.
    student_ids = models.JSONField(default=list)
    # A limit over all the organisation's briefs opened to the cohort; the allocation takes
    # the smaller of it and the sum of their seats. None: their seats are the only limit.
    capacity = models.PositiveSmallIntegerField(
        _("students you can host from this cohort in total"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_(
            "Over all your projects opened to the cohort. Leave empty to host as many "
            "students as your projects have seats."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation ranking")
        verbose_name_plural = _("organisation rankings")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="organisation_ranking_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.cohort}"


class AllocationRun(models.Model):
    """One run of the cohort allocation engine: a proposal staff review, adjust, publish."""

    class Mode(models.TextChoices):
        STABLE = "stable", _("Stable (students' choices first)")
        WELFARE = "welfare", _("Best overall fit")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PROPOSED = "proposed", _("Proposal ready")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Replaced by a newer run")

    cohort = models.ForeignKey(
        "students.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="allocation_runs",
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # The engine's input snapshot and its result (assignment by student id, metrics), and
    # the assignment after staff moved students by hand.
    instance = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    assignment = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    finished_at = models.DateTimeField(_("computed on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort allocation")
        verbose_name_plural = _("cohort allocations")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            # At most one allocation per cohort is published.
            models.UniqueConstraint(
                fields=["cohort"],
                condition=Q(state="published"),
                name="allocation_one_published_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} — {self.get_mode_display()} ({self.get_state_display()})"
