from django.urls import path

from . import views

app_name = "students"

# Mounted at the site root: each path names its own prefix.
urlpatterns = [
    # Schools and their staff
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_create, name="school_create"),
    path(
        "schools/invitations/<int:pk>/accept/",
        views.school_invitation_join,
        name="school_invitation_join",
    ),
    path(
        "schools/invitation/<str:token>/",
        views.school_invitation_accept,
        name="school_invitation_accept",
    ),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/staff/invite/", views.school_staff_invite, name="school_staff_invite"),
    path(
        "schools/<int:pk>/staff/<int:staff_pk>/remove/",
        views.school_staff_remove,
        name="school_staff_remove",
    ),
    path(
        "schools/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.school_invitation_revoke,
        name="school_invitation_revoke",
    ),
    path("schools/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    # Cohorts: the staff dashboard and enrolment
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/archive/", views.cohort_archive, name="cohort_archive"),
    path("cohorts/<int:pk>/unarchive/", views.cohort_unarchive, name="cohort_unarchive"),
    path(
        "cohorts/<int:pk>/join-code/",
        views.cohort_join_code_regenerate,
        name="cohort_join_code_regenerate",
    ),
    path("cohorts/<int:pk>/invite/", views.cohort_invite, name="cohort_invite"),
    path(
        "cohorts/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.cohort_invitation_revoke,
        name="cohort_invitation_revoke",
    ),
    path("cohorts/<int:pk>/import/", views.cohort_import, name="cohort_import"),
    path(
        "cohorts/<int:pk>/import/<uuid:token>/",
        views.cohort_import_preview,
        name="cohort_import_preview",
    ),
    path(
        "cohorts/<int:pk>/import/<uuid:token>/confirm/",
        views.cohort_import_confirm,
        name="cohort_import_confirm",
    ),
    path("cohorts/<int:pk>/export.csv", views.cohort_export, name="cohort_export"),
    path(
        "cohorts/<int:pk>/students/<int:enrolment_pk>/remove/",
        views.enrolment_remove,
        name="enrolment_remove",
    ),
    # Students: join a cohort, their profile
    path("join/", views.join, name="join"),
    path(
        "join/invitation/<str:token>/",
        views.cohort_invitation_accept,
        name="cohort_invitation_accept",
    ),
    path(
        "join/invitations/<int:pk>/accept/",
        views.cohort_invitation_join,
        name="cohort_invitation_join",
    ),
    path("join/<str:code>/", views.join_with_code, name="join_with_code"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("students/<int:pk>/", views.profile_detail, name="profile_detail"),
]
