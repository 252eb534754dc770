from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatchScore(models.Model):
    """One precomputed (student, brief) score kept by the batch job because the pair is in
    the student's top briefs (``student_rank``) and/or the brief's top students
    (``brief_rank``). Pages read this table; explanations are recomputed for the few pairs
    shown, from the same engine."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    brief = models.ForeignKey("organisations.Brief", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    student_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    brief_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed on"))

    class Meta:
        verbose_name = _("match score")
        verbose_name_plural = _("match scores")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["student", "brief"], name="match_score_pair"),
            models.CheckConstraint(
                condition=Q(student_rank__isnull=False) | Q(brief_rank__isnull=False),
                name="match_score_in_a_top_list",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["student", "student_rank"], name="match_student_rank"),
            models.Index(fields=["brief", "brief_rank"], name="match_brief_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}×{self.brief_id}: {self.score:.0f}"


class RecomputeRun(models.Model):
    """A recompute of the top matches, with its progress (shown to moderators)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        CHANGE = "change", _("Profiles or briefs changed")
        MANUAL = "manual", _("Started by hand")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    students_total = models.PositiveIntegerField(_("students"), default=0)
    students_done = models.PositiveIntegerField(_("students done"), default=0)
    briefs_total = models.PositiveIntegerField(_("briefs"), default=0)
    created_at = models.DateTimeField(_("queued on"), auto_now_add=True)
    started_at = models.DateTimeField(_("started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self) -> int:
        if not self.students_total:
            return 100 if self.state == self.State.DONE else 0
        return round(100 * self.students_done / self.students_total)
