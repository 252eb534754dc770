from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("skills/search/", views.skill_search_view, name="skill_search"),
]
