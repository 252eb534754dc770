from django.urls import path

from .views import taxonomy

app_name = "matching"

urlpatterns = [
    path("skills/search/", taxonomy.skill_search_view, name="skill_search"),
]
