from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.my_organisations, name="mine"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.organisation_members, name="members"),
    path("<int:pk>/members/invite/", views.invitation_create, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path(
        "<int:pk>/members/<int:membership_pk>/transfer/",
        views.ownership_transfer,
        name="transfer",
    ),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/leave/", views.organisation_leave, name="leave"),
    path("invitations/<int:pk>/accept/", views.invitation_join, name="invitation_join"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
]
