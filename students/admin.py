"""Admin of schools, cohorts and profiles: a support and moderation view.

Moderators only read schools, staff and cohorts (``humanitech.roles.MODERATOR_PERMISSIONS``);
enrolments and profiles are personal data, for superusers. Changes that matter (joins,
imports, visibility consent) go through the services and the site, never through here.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import (
    Cohort,
    CohortInvitation,
    Enrolment,
    RosterImport,
    School,
    SchoolInvitation,
    SchoolStaff,
    StudentProfile,
    StudentSkill,
)


class SchoolStaffInline(admin.TabularInline):
    model = SchoolStaff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "city"]
    inlines = [SchoolStaffInline]
    readonly_fields = ["created_at", "created_by"]


@admin.register(SchoolStaff)
class SchoolStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "school__name"]
    list_select_related = ["user", "school"]
    raw_id_fields = ["user", "school"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "school",
        "starts_on",
        "ends_on",
        "application_policy",
        "max_students",
        "archived_at",
    ]
    list_filter = [
        "application_policy",
        "school__kind",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "programme", "school__name"]
    list_select_related = ["school"]
    raw_id_fields = ["school", "created_by"]
    filter_horizontal = ["supervisors"]
    # The code is a secret shared with students: drawn and redrawn by the service only.
    readonly_fields = ["join_code", "created_at", "created_by"]
    date_hierarchy = "starts_on"


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["student", "cohort", "group", "source", "enrolled_at"]
    list_filter = ["source"]
    search_fields = ["student__email", "cohort__name"]
    list_select_related = ["student", "cohort"]


@admin.register(SchoolInvitation, CohortInvitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["email", "__str__", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email"]
    exclude = ["nonce"]


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["filename", "cohort", "created_by", "created_at", "imported_at"]
    list_select_related = ["cohort", "created_by"]
    exclude = ["rows"]


class StudentSkillInline(admin.TabularInline):
    model = StudentSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "hours_per_week", "visible_to_organisations", "updated_at"]
    list_filter = ["visible_to_organisations", "remote_preference"]
    search_fields = ["user__email", "user__last_name", "city"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["causes"]
    # Consent is given or withdrawn by the student only.
    readonly_fields = ["visible_to_organisations", "visibility_consented_at", "created_at"]
    inlines = [StudentSkillInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
