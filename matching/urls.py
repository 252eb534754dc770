from django.urls import path

from .views import applications, favourites, taxonomy
from .views import recommendations as recommendation_views

app_name = "matching"

urlpatterns = [
    path("skills/search/", taxonomy.skill_search_view, name="skill_search"),
    # --- Cohort allocation: favourites (saved and ranked briefs) ---
    path("saved/", favourites.favourites, name="favourites"),
    path("saved/<int:pk>/toggle/", favourites.favourite_toggle, name="favourite_toggle"),
    path("saved/<int:pk>/rank/", favourites.favourite_rank, name="favourite_rank"),
    path("saved/<int:pk>/move/", favourites.favourite_move, name="favourite_move"),
    # --- Applications (issue #5 part B) ---
    path("applications/", applications.my_applications, name="my_applications"),
    path("briefs/<int:pk>/apply/", applications.apply, name="apply"),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "briefs/<int:pk>/applications/",
        applications.brief_applications,
        name="brief_applications",
    ),
    path(
        "applications/<int:pk>/shortlist/",
        applications.application_shortlist,
        name="application_shortlist",
    ),
    path(
        "applications/<int:pk>/accept/", applications.application_accept, name="application_accept"
    ),
    path(
        "applications/<int:pk>/decline/",
        applications.application_decline,
        name="application_decline",
    ),
    path("briefs/<int:pk>/start/", applications.project_start, name="project_start"),
    path(
        "cohorts/<int:pk>/applications/",
        applications.cohort_applications,
        name="cohort_applications",
    ),
    path(
        "applications/<int:pk>/approve/",
        applications.application_approve,
        name="application_approve",
    ),
    path(
        "applications/<int:pk>/refuse/", applications.application_refuse, name="application_refuse"
    ),
    # --- Recommendations (issue #5 part A) ---
    path("recommendations/", recommendation_views.recommendations, name="recommendations"),
    path(
        "briefs/<int:pk>/recommended-students/",
        recommendation_views.brief_recommendations,
        name="brief_recommendations",
    ),
]
