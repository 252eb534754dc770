"""The public catalogue: facets, full-text search (SQLite fallback here; PostgreSQL in
test_search_postgres.py), sorting, pagination, htmx, and a constant number of queries."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Cause, Skill
from organisations import services
from organisations.models import Brief, BriefSkill, Organisation
from organisations.search import refresh_search_vector, search_terms
from organisations.workflow import BriefState

from .helpers import TODAY, complete_brief, make_organisation

pytestmark = pytest.mark.django_db
URL = "/briefs/"


def publish(brief: Brief, moderator) -> Brief:
    owner = brief.organisation.memberships.get(role="owner").user
    services.brief_submit(brief=brief, acting_user=owner)
    return services.brief_publish(brief=brief, acting_user=moderator)


def titles(response) -> list[str]:
    return [brief.title for brief in response.context["page"].object_list]


@pytest.fixture
def catalogue(cast) -> dict[str, Brief]:
    """Three published briefs in different places, kinds, skills and dates."""
    nantes = make_organisation(
        cast.owner_b,
        verified=True,
        name="Atelier Vélo Nantais",
        city="Nantes",
        postcode="44000",
        causes=Cause.objects.filter(slug="environment"),
    )
    website = complete_brief(
        cast.org_a,
        cast.owner_a,
        title="Un site internet pour nos adhérents",
        problem="Nos adhérents ne trouvent pas le calendrier des ateliers sur notre vieux site.",
        work_mode="hybrid",
        city="Lille",
        postcode="59000",
        effort_hours=40,
        start_date=TODAY + datetime.timedelta(days=40),
    )
    database = complete_brief(
        nantes,
        cast.owner_b,
        title="Une base de données des vélos",
        need_category="database",
        problem="Nos vélos sont suivis dans trois tableurs différents.",
        effort_hours=200,
        start_date=TODAY + datetime.timedelta(days=10),
    )
    corsica = complete_brief(
        nantes,
        cast.owner_b,
        title="Tableau de bord des dons",
        need_category="data",
        problem="Les dons arrivent par chèque et par virement.",
        work_mode="onsite",
        city="Ajaccio",
        postcode="20000",
        effort_hours=120,
    )
    for brief in (website, database, corsica):
        publish(brief, cast.moderator)
    return {"website": website, "database": database, "corsica": corsica}


def test_the_catalogue_lists_published_briefs_only(client: Client, catalogue, cast) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    listed = titles(response)
    assert "Un site internet pour nos adhérents" in listed
    assert cast.draft_a.title not in listed
    assert "7 missions ouvertes" not in response.content.decode()
    assert f"{len(listed)} missions ouvertes" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "database"}, ["Une base de données des vélos"]),
        (
            {"category": ["database", "data"]},
            ["Tableau de bord des dons", "Une base de données des vélos"],
        ),
        ({"work_mode": "onsite"}, ["Tableau de bord des dons"]),
        ({"place": "lille"}, ["Un site internet pour nos adhérents"]),
        ({"place": "2A"}, ["Tableau de bord des dons"]),
        ({"effort": "small"}, ["Un site internet pour nos adhérents"]),
        ({"effort": "large"}, ["Une base de données des vélos"]),
    ],
)
def test_facets(client: Client, catalogue, params, expected) -> None:
    assert sorted(titles(client.get(URL, params))) == sorted(expected)


def test_department_facet_uses_the_brief_postcode(client: Client, catalogue) -> None:
    # The database brief is remote, from Nantes (44); the Corsican one is in 2A.
    assert sorted(titles(client.get(URL, {"place": "44"}))) == ["Une base de données des vélos"]


def test_skill_cause_and_date_facets(client: Client, catalogue) -> None:
    sql = Skill.objects.get(slug="sql")
    assert titles(client.get(URL, {"skill": sql.pk})) == ["Une base de données des vélos"]
    environment = Cause.objects.get(slug="environment")
    assert sorted(titles(client.get(URL, {"cause": environment.pk}))) == [
        "Tableau de bord des dons",
        "Une base de données des vélos",
    ]
    after = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert titles(client.get(URL, {"start_after": after})) == [
        "Un site internet pour nos adhérents"
    ]
    before = (TODAY + datetime.timedelta(days=15)).isoformat()
    assert titles(client.get(URL, {"start_before": before, "q": "vélos"})) == [
        "Une base de données des vélos"
    ]


def test_full_text_search_fallback_finds_the_members_website(client: Client, catalogue) -> None:
    response = client.get(URL, {"q": "site internet adhérents"})
    assert titles(response)[0] == "Un site internet pour nos adhérents"
    assert titles(client.get(URL, {"q": "ADHERENT"}))[0] == "Un site internet pour nos adhérents"
    assert not response.context["catalogue"].relaxed


def test_a_search_without_full_match_shows_partial_matches_and_says_so(client, catalogue) -> None:
    response = client.get(URL, {"q": "vélo adhérents"})
    assert response.context["catalogue"].relaxed
    # The dashboard brief matches too: its organisation is the "Atelier Vélo Nantais".
    assert set(titles(response)) == {
        "Un site internet pour nos adhérents",
        "Une base de données des vélos",
        "Tableau de bord des dons",
    }
    assert "au moins un" in response.content.decode()


def test_sort_orders(client: Client, catalogue) -> None:
    by_start = titles(client.get(URL, {"sort": "start"}))
    assert by_start.index("Une base de données des vélos") < by_start.index(
        "Un site internet pour nos adhérents"
    )
    newest = titles(client.get(URL, {"sort": "newest"}))
    assert newest[:3] == [
        "Tableau de bord des dons",
        "Une base de données des vélos",
        "Un site internet pour nos adhérents",
    ]


def test_bad_filter_values_are_ignored_not_errors(client: Client, catalogue) -> None:
    response = client.get(URL, {"start_after": "pas une date", "skill": "999999", "page": "x"})
    assert response.status_code == 200
    assert titles(response)


def test_htmx_gets_only_the_results(client: Client, catalogue) -> None:
    response = client.get(
        URL,
        {"category": "database"},
        headers={"HX-Request": "true", "HX-Target": "catalogue-results"},
    )
    html = response.content.decode()
    assert "<html" not in html and 'hx-swap-oob="true"' in html
    assert "Une base de données des vélos" in html


def _slot(html: str) -> str:
    """The error slot beside "Starts on or before" (the full page's, or htmx's out of band)."""
    start = html.index('id="id_start_before_error_slot"')
    return html[start : html.index("</div>", start)]


def test_dates_the_wrong_way_round_are_explained_beside_the_field(
    client: Client, catalogue
) -> None:
    after = (TODAY + datetime.timedelta(days=30)).isoformat()
    before = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = client.get(URL, {"start_after": after, "start_before": before})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cette date est antérieure à «\u00a0Début à partir du\u00a0»\u00a0:" in _slot(html)
    assert 'aria-describedby="id_start_before_error_slot"' in html
    # The later bound is left out; the earlier one still filters.
    assert titles(response) == ["Un site internet pour nos adhérents"]


def test_htmx_brings_the_date_error_and_clears_it(client: Client, catalogue) -> None:
    headers = {"HX-Request": "true", "HX-Target": "catalogue-results"}
    after = (TODAY + datetime.timedelta(days=30)).isoformat()
    wrong = (TODAY + datetime.timedelta(days=5)).isoformat()
    html = client.get(URL, {"start_after": after, "start_before": wrong}, headers=headers)
    slot = _slot(html.content.decode())
    assert 'hx-swap-oob="innerHTML"' in slot and "antérieure" in slot
    right = (TODAY + datetime.timedelta(days=60)).isoformat()
    html = client.get(URL, {"start_after": after, "start_before": right}, headers=headers)
    slot = _slot(html.content.decode())
    assert 'hx-swap-oob="innerHTML"' in slot and "errorlist" not in slot


def test_search_terms_fold_and_singularise() -> None:
    assert search_terms("Site Internet pour les adhérents") == ["site", "internet", "adherent"]


def _published_briefs(organisation: Organisation, count: int) -> None:
    """Many published briefs, inserted in bulk (indexed for search like the demo data)."""
    skills = list(Skill.objects.filter(slug__in=["wordpress", "html", "css"]))
    briefs = Brief.objects.bulk_create(
        Brief(
            organisation=organisation,
            title=f"Mission {index}",
            search_text=f"mission {index} site web",
            need_category="website",
            problem="Un problème.",
            state=BriefState.PUBLISHED,
            effort_hours=50,
            start_date=TODAY,
            end_date=TODAY + datetime.timedelta(days=60),
        )
        for index in range(count)
    )
    BriefSkill.objects.bulk_create(
        BriefSkill(brief=brief, skill=skill) for brief in briefs for skill in skills
    )
    refresh_search_vector(Brief.objects.filter(pk__in=[brief.pk for brief in briefs]))


@pytest.mark.parametrize("who", ["student_a", None])
@pytest.mark.parametrize("params", [{}, {"q": "mission", "category": "website", "sort": "start"}])
def test_the_catalogue_runs_a_constant_number_of_queries(
    cast, client_for, django_assert_max_num_queries, params, who
) -> None:
    client = client_for(getattr(cast, who) if who else None)
    _published_briefs(cast.org_a, 10)
    client.get(URL)  # the skill list is cached after the first page
    with django_assert_max_num_queries(12) as small:
        client.get(URL, params)
    _published_briefs(cast.org_b, 190)
    with django_assert_max_num_queries(12) as large:
        response = client.get(URL, {**params, "page": 2})
    assert len(response.context["page"].object_list) == 12
    assert len(small.captured_queries) == len(large.captured_queries)


def test_the_detail_page_shows_a_published_brief_to_everyone(client: Client, cast) -> None:
    response = client.get(reverse("briefs:detail", kwargs={"pk": cast.brief_a.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert cast.brief_a.title in html and "WordPress" in html and "Créer mon compte" in html


def test_private_briefs_answer_404_to_visitors(client: Client, cast) -> None:
    for state in ("draft", "submitted", "rejected", "cancelled"):
        Brief.objects.filter(pk=cast.brief_a.pk).update(state=state)
        assert client.get(f"/briefs/{cast.brief_a.pk}/").status_code == 404
