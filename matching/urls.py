from django.urls import path

from .views import favourites, taxonomy

app_name = "matching"

urlpatterns = [
    path("skills/search/", taxonomy.skill_search_view, name="skill_search"),
    # --- Cohort allocation: favourites (saved and ranked briefs) ---
    path("saved/", favourites.favourites, name="favourites"),
    path("saved/<int:pk>/toggle/", favourites.favourite_toggle, name="favourite_toggle"),
    path("saved/<int:pk>/rank/", favourites.favourite_rank, name="favourite_rank"),
    path("saved/<int:pk>/move/", favourites.favourite_move, name="favourite_move"),
]
