"""Applications and teams in the admin: read-only (superusers), for support.

Applications hold personal data (motivations), so moderators do not get them; every state
change goes through the services, never through the admin.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import Application, TeamMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("student", "brief", "state", "created_at", "submitted_at", "decided_at")
    list_filter = ("state",)
    search_fields = ("student__email", "student__last_name", "brief__title")
    list_select_related = ("student", "brief")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Application._meta.fields]


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("brief", "seat", "student", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("student__email", "brief__title")
    list_select_related = ("student", "brief")
    readonly_fields = [field.name for field in TeamMember._meta.fields]
