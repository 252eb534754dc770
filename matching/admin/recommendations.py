"""The recompute runs of the recommendations, for moderators: state, progress, duration,
error; and a "Recompute now" button for whoever may start one (``add_recomputerun``)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..models import RecomputeRun

#: Starting a run is "adding" one: moderators hold this permission (humanitech.roles).
START_PERMISSION = "matching.add_recomputerun"


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    change_list_template = "admin/matching/recomputerun/change_list.html"
    list_display = [
        "created_at",
        "trigger",
        "state_pill",
        "progress",
        "students_total",
        "briefs_total",
        "duration",
        "short_error",
    ]
    list_filter = ["state", "trigger"]
    date_hierarchy = "created_at"
    fields = (
        "state",
        "trigger",
        "students_total",
        "students_done",
        "briefs_total",
        "created_at",
        "started_at",
        "finished_at",
        "duration",
        "error",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs start from the button, never from a form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.display(description=_("state"), ordering="state")
    def state_pill(self, run: RecomputeRun) -> str:
        return run.get_state_display()

    @admin.display(description=_("progress"))
    def progress(self, run: RecomputeRun) -> str:
        percent = run.progress_percent
        return format_html(
            '<progress value="{}" max="100" aria-label="{}"></progress> {} %',
            percent,
            _("Students done"),
            percent,
        )

    @admin.display(description=_("duration"))
    def duration(self, run: RecomputeRun) -> str:
        if run.started_at is None:
            return "—"
        end = run.finished_at
        if end is None:
            return str(_("running"))
        seconds = (end - run.started_at).total_seconds()
        return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"

    @admin.display(description=_("error"))
    def short_error(self, run: RecomputeRun) -> str:
        return run.error[:80]

    def get_urls(self) -> list[Any]:
        return [
            path(
                "recompute/",
                self.admin_site.admin_view(require_POST(self.recompute_view)),
                name="matching_recomputerun_recompute",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_start_recompute": request.user.has_perm(START_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def recompute_view(self, request: HttpRequest) -> HttpResponse:
        from accounts.models import User

        from ..tasks.recommendations import start_full_run

        user = request.user
        if not isinstance(user, User) or not user.has_perm(START_PERMISSION):
            raise PermissionDenied
        run = start_full_run(trigger=RecomputeRun.Trigger.MANUAL, acting_user=user)
        if run is None:
            messages.warning(request, _("A recompute is already under way: wait for it to end."))
        else:
            messages.success(request, _("The recompute has started."))
        return HttpResponseRedirect(reverse("admin:matching_recomputerun_changelist"))
