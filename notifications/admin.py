from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

from .emails import render_subject
from .models import AddressOptOut, Notification, NotificationPreference
from .services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and why a message failed."""

    list_display = (
        "created_at",
        "kind",
        "address",
        "state",
        "delivery",
        "attempts",
        "sent_at",
        "short_error",
    )
    list_filter = ("state", "kind", "delivery")
    search_fields = ("email", "recipient__email", "event_key", "idempotency_key")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    actions = ("resend",)
    fieldsets = (
        (None, {"fields": ("kind", "title", "recipient", "email", "link", "language")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "state",
                    "delivery",
                    "attempts",
                    "last_error",
                    "provider_response",
                    "created_at",
                    "queued_at",
                    "next_attempt_at",
                    "sent_at",
                    "read_at",
                )
            },
        ),
        (
            _("Event"),
            {"fields": ("event_key", "idempotency_key", "about_type", "about_id", "context")},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Notification | None = None) -> list:
        return [*(field.name for field in Notification._meta.fields), "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj: Notification) -> str:
        # The whole text and the server's answer are on the notification's page.
        return obj.last_error[:80]

    @admin.display(description=_("title"))
    def title(self, obj: Notification) -> str:
        return render_subject(obj)

    @admin.action(
        description=_("Send the selected failed notifications again"), permissions=["change"]
    )
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        assert isinstance(request.user, User)
        failed = list(queryset.filter(state=Notification.State.FAILED))
        for notification in failed:
            notification_resend(notification=notification, acting_user=request.user)
        skipped = queryset.count() - len(failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued again.",
                "%(count)d notifications queued again.",
                len(failed),
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected notification was not failed and was left alone.",
                    "%(count)d selected notifications were not failed and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(AddressOptOut)
class AddressOptOutAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("email",)
    readonly_fields = ("email", "kind", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery", "updated_at")
    list_filter = ("kind", "delivery")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = ("user", "kind", "delivery", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
