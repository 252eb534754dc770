"""Admin of the cohort allocation: read-only, for support (runs change state only through
the services, from the cohort's pages). A run's input and result are large JSON documents
left off the page."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import AllocationRun, CohortBrief, OrganisationRanking


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ["cohort", "mode", "state", "progress", "created_at", "published_at"]
    list_filter = ["state", "mode"]
    search_fields = ["cohort__name", "cohort__school__name"]
    list_select_related = ["cohort"]
    date_hierarchy = "created_at"
    exclude = ["instance", "result", "assignment"]
    readonly_fields = ["error"]


@admin.register(CohortBrief)
class CohortBriefAdmin(ReadOnlyAdmin):
    list_display = ["cohort", "brief", "capacity", "opened_at"]
    search_fields = ["cohort__name", "brief__title"]
    list_select_related = ["cohort", "brief"]


@admin.register(OrganisationRanking)
class OrganisationRankingAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "cohort", "capacity", "updated_at"]
    list_select_related = ["organisation", "cohort"]
