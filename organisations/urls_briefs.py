from django.urls import path

from . import views_briefs as views

app_name = "briefs"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("new/", views.brief_create, name="create"),
    path("<int:pk>/", views.brief_detail, name="detail"),
    path("<int:pk>/edit/<slug:step>/", views.brief_edit, name="edit"),
    path("<int:pk>/review/", views.brief_review, name="review"),
    path("<int:pk>/submit/", views.brief_submit, name="submit"),
    path("<int:pk>/cancel/", views.brief_cancel, name="cancel"),
    path("<int:pk>/deliver/", views.brief_deliver, name="deliver"),
    path("<int:pk>/close/", views.brief_close, name="close"),
    path("<int:pk>/duplicate/", views.brief_duplicate, name="duplicate"),
]
