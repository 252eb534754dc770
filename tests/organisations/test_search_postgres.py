"""French full-text search on PostgreSQL: stemming, accents, ranking, web-search syntax, and
the GIN index behind it."""

import pytest
from django.db import connection
from django.test import Client

from organisations import services

from .helpers import complete_brief

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def titles(client: Client, query: str) -> list[str]:
    response = client.get("/briefs/", {"q": query})
    return [brief.title for brief in response.context["page"].object_list]


@pytest.fixture
def briefs(cast) -> None:
    for title, category, problem in (
        (
            "Refaire notre présence en ligne",
            "website",
            "Nos adhérents ne trouvent rien sur notre vieux site internet : ni les horaires, "
            "ni le formulaire pour renouveler leur adhésion.",
        ),
        (
            "Un site internet pour l'épicerie",
            "website",
            "Nous voulons présenter nos horaires et nos produits.",
        ),
        (
            "Suivre les bénévoles",
            "crm",
            "Les plannings des bénévoles tiennent dans un tableur partagé.",
        ),
    ):
        brief = complete_brief(
            cast.org_a, cast.owner_a, title=title, need_category=category, problem=problem
        )
        services.brief_submit(brief=brief, acting_user=cast.owner_a)
        services.brief_publish(brief=brief, acting_user=cast.moderator)


def test_site_internet_adherents_finds_the_members_website(client: Client, briefs) -> None:
    assert titles(client, "site internet adhérents") == ["Refaire notre présence en ligne"]


def test_french_stemming_and_accents(client: Client, briefs) -> None:
    for query in ("adhérent", "adherents", "ADHÉRENTES", "renouvellement adhésion"):
        assert "Refaire notre présence en ligne" in titles(client, query), query
    assert titles(client, "bénévole")[0] == "Suivre les bénévoles"
    assert "Suivre les bénévoles" in titles(client, "benevoles")


def test_a_title_match_ranks_first(client: Client, briefs) -> None:
    found = titles(client, "site internet")
    assert found[0] == "Un site internet pour l'épicerie"
    assert "Refaire notre présence en ligne" in found


def test_web_search_syntax(client: Client, briefs) -> None:
    assert titles(client, 'site -adhérents "épicerie"') == ["Un site internet pour l'épicerie"]


def test_no_match_on_every_word_falls_back_to_any_word(client: Client, briefs) -> None:
    response = client.get("/briefs/", {"q": "plannings épicerie"})
    assert response.context["catalogue"].relaxed
    assert {b.title for b in response.context["page"].object_list} >= {
        "Suivre les bénévoles",
        "Un site internet pour l'épicerie",
    }


def test_the_search_vector_has_a_gin_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'brief_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
