from django.urls import path

from .views import allocations, applications, favourites, taxonomy
from .views import recommendations as recommendation_views

app_name = "matching"

urlpatterns = [
    path("skills/search/", taxonomy.skill_search_view, name="skill_search"),
    # --- Cohort allocation: favourites (saved and ranked briefs) ---
    path("saved/", favourites.favourites, name="favourites"),
    path("saved/<int:pk>/toggle/", favourites.favourite_toggle, name="favourite_toggle"),
    path("saved/<int:pk>/rank/", favourites.favourite_rank, name="favourite_rank"),
    path("saved/<int:pk>/move/", favourites.favourite_move, name="favourite_move"),
    # --- Cohort allocation (issue #7) ---
    path("cohorts/<int:pk>/allocation/", allocations.cohort_allocation, name="cohort_allocation"),
    path(
        "cohorts/<int:pk>/allocation/open/",
        allocations.cohort_brief_open,
        name="cohort_brief_open",
    ),
    path(
        "cohorts/<int:pk>/allocation/openings/<int:opening_pk>/close/",
        allocations.cohort_brief_close,
        name="cohort_brief_close",
    ),
    path(
        "cohorts/<int:pk>/allocation/run/",
        allocations.allocation_run_start,
        name="allocation_run_start",
    ),
    path(
        "cohorts/<int:pk>/allocation/runs/<int:run_pk>/",
        allocations.allocation_run,
        name="allocation_run",
    ),
    path(
        "cohorts/<int:pk>/allocation/runs/<int:run_pk>/move/",
        allocations.allocation_move,
        name="allocation_move",
    ),
    path(
        "cohorts/<int:pk>/allocation/runs/<int:run_pk>/reset/",
        allocations.allocation_reset,
        name="allocation_reset",
    ),
    path(
        "cohorts/<int:pk>/allocation/runs/<int:run_pk>/publish/",
        allocations.allocation_publish,
        name="allocation_publish",
    ),
    path(
        "cohorts/<int:pk>/my-allocation/",
        allocations.student_allocation,
        name="student_allocation",
    ),
    path(
        "cohorts/<int:pk>/organisations/<int:organisation_pk>/ranking/",
        allocations.organisation_ranking,
        name="organisation_ranking",
    ),
    path(
        "cohorts/<int:pk>/organisations/<int:organisation_pk>/ranking/move/",
        allocations.organisation_ranking_move,
        name="organisation_ranking_move",
    ),
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
