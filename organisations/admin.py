"""Moderation in the Django admin: queues, search, and bulk actions that go through the
services (audit rows and notifications happen there). Content is read-only here: a
moderator decides, the organisation edits."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.audit import audit_trail_for
from accounts.models import User

from . import services
from .forms import ReasonForm
from .models import Brief, BriefSkill, Organisation, OrganisationMembership
from .workflow import (
    BRIEF_TRANSITIONS,
    ORGANISATION_TRANSITIONS,
    BriefState,
    VerificationState,
)


def _moderator(request: HttpRequest) -> User:
    # The admin only lets authenticated staff in; services want a User.
    assert isinstance(request.user, User)
    return request.user


def _audit_trail(obj: Any) -> str:
    events = list(audit_trail_for(obj)[:50]) if obj is not None and obj.pk else []
    if not events:
        return _("No event yet.")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                event.created_at.strftime("%Y-%m-%d %H:%M"),
                event.actor or "—",
                event.action,
                f"{event.from_state} → {event.to_state}" if event.to_state else "",
                event.reason,
            )
            for event in events
        ),
    )
    return format_html(
        '<table class="audit-trail"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("When"),
        _("Who"),
        _("Action"),
        _("State"),
        _("Reason"),
        rows,
    )


def _lower_first(text: str) -> str:
    """A sentence continued after a colon starts in lower case (not an acronym: "RNA")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _short_date(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT") if value else "-"


class ReadOnlyContentMixin:
    """Everything is read-only; state changes only through the moderation actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ModerationActionsMixin:
    """Bulk actions that ask for a reason on an intermediate page, then call a service."""

    reason_template = "admin/organisations/reason_form.html"

    def _run(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        call: Any,
        done: Callable[[int], str],
    ) -> None:
        """Apply ``call`` to each object; ``done(n)`` says how many succeeded (ngettext)."""
        succeeded, failures = 0, []
        for obj in queryset:
            try:
                call(obj)
            except (ValidationError, PermissionDenied) as error:
                messages_ = getattr(error, "messages", None) or [_("Not allowed.")]
                failures.append(
                    _("%(object)s: %(error)s")
                    % {"object": obj, "error": _lower_first(" ".join(messages_))}
                )
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done(succeeded), messages.SUCCESS)  # type: ignore[attr-defined]
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)  # type: ignore[attr-defined]

    def _ask_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        action: str,
        title: str,
        call: Any,
        done: Callable[[int], str],
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run(request, queryset, lambda obj: call(obj, reason), done)
            return None
        opts = self.model._meta  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": title,
            "objects": queryset,
            "form": form,
            "action": action,
            "opts": opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.reason_template, context)


class ModerationToolsMixin:
    """Buttons on an object's page for the moderation actions its state allows."""

    moderation_buttons: dict[str, tuple[str, Any, Any]] = {}

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        allowed = self.get_actions(request)  # type: ignore[attr-defined]
        buttons = []
        if obj is not None:
            for action, (transition_action, table, label) in self.moderation_buttons.items():
                state = getattr(obj, self.state_field)  # type: ignore[attr-defined]
                if action in allowed and state in table[transition_action].sources:
                    buttons.append((action, label))
        extra_context = {**(extra_context or {}), "moderation_actions": buttons}
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


def _may_view(request: HttpRequest, site: admin.AdminSite, model: type[Any]) -> bool:
    """Whether a link to ``model``'s admin pages would open for this person (not a 403)."""
    return site.is_registered(model) and site.get_model_admin(model).has_view_permission(request)


class MembershipInline(ReadOnlyContentMixin, admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    can_delete = False
    # Each row already shows every field: without this class Django repeats the row's
    # __str__ above it as a bold caption (see admin.css).
    classes = ["without-row-caption"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Moderators may not open user accounts (least privilege): the account is plain
        # text for them, a link only for those whom it would not answer 403.
        account = "account_link" if _may_view(request, self.admin_site, User) else "account"
        return (account, "role", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("Account"))
    def account(self, obj: OrganisationMembership) -> str:
        return str(obj.user)

    @admin.display(description=gettext_lazy("Account"))
    def account_link(self, obj: OrganisationMembership) -> str:
        url = reverse("admin:accounts_user_change", args=[obj.user_id])
        return format_html('<a href="{}">{}</a>', url, obj.user)


@admin.register(Organisation)
class OrganisationAdmin(
    ModerationToolsMixin, ModerationActionsMixin, ReadOnlyContentMixin, admin.ModelAdmin
):
    state_field = "verification_state"
    # An organisation has no public page: its dashboard answers 404 to non-members.
    view_on_site = False
    moderation_buttons = {
        "verify_selected": ("verify", ORGANISATION_TRANSITIONS, gettext_lazy("Verify")),
        "reject_selected": ("reject", ORGANISATION_TRANSITIONS, gettext_lazy("Reject…")),
    }
    list_display = [
        "name",
        "legal_form",
        "city",
        "identifiers",
        "verification_state",
        "created_at",
    ]
    list_filter = ["verification_state", "legal_form", "causes"]
    search_fields = ["name", "rna", "siren", "siret", "city", "memberships__user__email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["verify_selected", "reject_selected"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("name", "legal_form", "rna", "siren", "siret", "causes")}),
        (gettext_lazy("Contact"), {"fields": ("city", "postcode", "website", "description")}),
        (
            gettext_lazy("Verification"),
            {"fields": ("verification_state", "verification_reason", "verified_at")},
        ),
        (gettext_lazy("History"), {"fields": ("audit_trail", "created_at", "updated_at")}),
    )
    readonly_fields = ["audit_trail", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).distinct()

    @admin.display(description=gettext_lazy("RNA / SIRET"))
    def identifiers(self, obj: Organisation) -> str:
        return " · ".join(value for value in (obj.rna, obj.siret or obj.siren) if value)

    @admin.display(description=gettext_lazy("Audit trail"))
    def audit_trail(self, obj: Organisation) -> str:
        return _audit_trail(obj)

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("organisations.verify_organisation")

    @admin.action(
        description=gettext_lazy("Verify the selected organisations"),
        permissions=["verify"],
    )
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        self._run(
            request,
            queryset,
            lambda obj: services.organisation_verify(
                organisation=obj, acting_user=_moderator(request)
            ),
            lambda n: (
                ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=gettext_lazy("Reject the selected organisations (with a reason)…"),
        permissions=["verify"],
    )
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> HttpResponse | None:
        return self._ask_reason(
            request,
            queryset,
            action="reject_selected",
            title=_("Reject organisations"),
            call=lambda obj, reason: services.organisation_reject(
                organisation=obj, acting_user=_moderator(request), reason=reason
            ),
            done=lambda n: (
                ngettext("%(count)d organisation rejected.", "%(count)d organisations rejected.", n)
                % {"count": n}
            ),
        )


class BriefSkillInline(ReadOnlyContentMixin, admin.TabularInline):
    model = BriefSkill
    fields = ("skill", "level", "weight")
    readonly_fields = ("skill", "level", "weight")
    extra = 0
    can_delete = False
    classes = ["without-row-caption"]


class BriefQueueFilter(admin.SimpleListFilter):
    """The moderators' queue first: submitted briefs, with their organisation's state."""

    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("ready", gettext_lazy("Submitted, organisation verified")),
            ("waiting", gettext_lazy("Submitted, organisation not verified yet")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Brief]) -> QuerySet[Brief]:
        submitted = queryset.filter(state=BriefState.SUBMITTED)
        if self.value() == "ready":
            return submitted.filter(organisation__verification_state=VerificationState.VERIFIED)
        if self.value() == "waiting":
            return submitted.exclude(organisation__verification_state=VerificationState.VERIFIED)
        return queryset


@admin.register(Brief)
class BriefAdmin(
    ModerationToolsMixin, ModerationActionsMixin, ReadOnlyContentMixin, admin.ModelAdmin
):
    state_field = "state"
    moderation_buttons = {
        "publish_selected": ("publish", BRIEF_TRANSITIONS, gettext_lazy("Publish")),
        "reject_selected": ("reject", BRIEF_TRANSITIONS, gettext_lazy("Ask for changes…")),
    }
    list_display = [
        "title_and_kind",
        "organisation_link",
        "state",
        "submitted_on",
        "published_on",
    ]
    list_filter = [BriefQueueFilter, "state", "need_category", "work_mode"]
    search_fields = ["title", "problem", "organisation__name", "city"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    ordering = ["-submitted_at", "-created_at"]
    actions = ["publish_selected", "reject_selected"]
    inlines = [BriefSkillInline]
    fieldsets = (
        (None, {"fields": ("organisation", "title", "need_category", "state")}),
        (
            gettext_lazy("The need"),
            {"fields": ("problem", "existing_tools", "expected_outcome")},
        ),
        (
            gettext_lazy("Practical details"),
            {
                "fields": (
                    "team_min",
                    "team_max",
                    "effort_hours",
                    "start_date",
                    "end_date",
                    "work_mode",
                    "city",
                    "postcode",
                )
            },
        ),
        (
            gettext_lazy("Moderation"),
            {"fields": ("rejection_reason", "submitted_at", "published_at", "public_page")},
        ),
        (gettext_lazy("History"), {"fields": ("audit_trail", "created_at", "updated_at")}),
    )
    readonly_fields = ["audit_trail", "public_page", "created_at", "updated_at"]

    # The kind of need under the title rather than in a column of its own: the list fits
    # beside its filters at 1280 px (the filters still sort briefs by kind).
    @admin.display(description=gettext_lazy("title"), ordering="title")
    def title_and_kind(self, obj: Brief) -> str:
        return format_html(
            '{}<span class="brief-kind">{}</span>', obj.title, obj.get_need_category_display()
        )

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__name")
    def organisation_link(self, obj: Brief) -> str:
        url = reverse("admin:organisations_organisation_change", args=[obj.organisation_id])
        return format_html(
            '<a href="{}">{}</a> <span class="org-state org-state-{}">{}</span>',
            url,
            obj.organisation.name,
            obj.organisation.verification_state,
            obj.organisation.get_verification_state_display(),
        )

    def get_view_on_site_url(self, obj: Brief | None = None) -> str | None:
        # Only a public brief has a page for the moderator to see; the others answer 404
        # to anyone outside their organisation, moderators included.
        return obj.get_absolute_url() if obj is not None and obj.is_public else None

    # Dates without the time keep the list narrow enough for its filter sidebar at 1280 px.
    @admin.display(description=gettext_lazy("submitted on"), ordering="submitted_at")
    def submitted_on(self, obj: Brief) -> str:
        return _short_date(obj.submitted_at)

    @admin.display(description=gettext_lazy("published on"), ordering="published_at")
    def published_on(self, obj: Brief) -> str:
        return _short_date(obj.published_at)

    @admin.display(description=gettext_lazy("Public page"))
    def public_page(self, obj: Brief) -> str:
        url = self.get_view_on_site_url(obj)
        if url is None:
            return _("None in this state: a brief has a public page once it is published.")
        return format_html('<a href="{0}">{0}</a>', url)

    @admin.display(description=gettext_lazy("Audit trail"))
    def audit_trail(self, obj: Brief) -> str:
        return _audit_trail(obj)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("organisations.moderate_brief")

    @admin.action(description=gettext_lazy("Publish the selected briefs"), permissions=["moderate"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Brief]) -> None:
        self._run(
            request,
            queryset.select_related("organisation"),
            lambda obj: services.brief_publish(brief=obj, acting_user=_moderator(request)),
            lambda n: (
                ngettext("%(count)d brief published.", "%(count)d briefs published.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=gettext_lazy("Ask for changes to the selected briefs (with a reason)…"),
        permissions=["moderate"],
    )
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Brief]
    ) -> HttpResponse | None:
        return self._ask_reason(
            request,
            queryset,
            action="reject_selected",
            title=_("Ask for changes"),
            call=lambda obj, reason: services.brief_reject(
                brief=obj, acting_user=_moderator(request), reason=reason
            ),
            done=lambda n: (
                ngettext(
                    "%(count)d brief sent back for changes.",
                    "%(count)d briefs sent back for changes.",
                    n,
                )
                % {"count": n}
            ),
        )
