import pytest
from django.urls import reverse

from matching.models import Cause, NeedCategorySkill, Skill, SkillRelation
from matching.selectors import skill_search

pytestmark = pytest.mark.django_db


def test_migrations_load_the_curated_taxonomy() -> None:
    assert 150 <= Skill.objects.filter(is_active=True).count() <= 250
    assert Cause.objects.filter(slug="education").exists()
    assert NeedCategorySkill.objects.filter(category="website").count() >= 3
    postgres = Skill.objects.get(slug="postgresql")
    related = set(
        SkillRelation.objects.filter(from_skill=postgres).values_list("to_skill__slug", flat=True)
    )
    assert "mysql" in related
    # Relations are symmetric, with the same similarity both ways.
    for relation in SkillRelation.objects.filter(from_skill=postgres):
        back = SkillRelation.objects.get(from_skill=relation.to_skill, to_skill=postgres)
        assert back.similarity == relation.similarity


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bdd", "database"),
        ("base de données", "database"),
        ("database", "database"),
        ("postgres", "database"),
        ("JS", "frontend"),
        ("rgpd", None),
    ],
)
def test_skill_search_finds_names_and_aliases_in_both_languages(query, expected) -> None:
    results = skill_search(query=query)
    assert results, query
    if expected:
        assert results[0].category == expected


def test_skill_search_costs_at_most_two_queries(django_assert_max_num_queries) -> None:
    skill_search(query="wordpress")
    with django_assert_max_num_queries(1):
        skill_search(query="python")


def test_skill_search_page_and_htmx_partial(client_for, cast) -> None:
    client = client_for(cast.student_a)
    page = client.get(reverse("matching:skill_search"), {"q": "bdd"})
    assert "<h1>" in page.content.decode()
    partial = client.get(
        reverse("matching:skill_search"),
        {"q": "bdd", "target": "id_skill"},
        headers={"HX-Request": "true"},
    )
    body = partial.content.decode()
    assert "<h1>" not in body
    assert 'data-skill-target="id_skill"' in body


def test_a_moderator_opens_and_edits_a_skill_in_the_admin(client_for, cast) -> None:
    skill = Skill.objects.filter(esco_uri__startswith="http").first()
    url = reverse("admin:matching_skill_change", args=[skill.pk])
    client = client_for(cast.moderator)
    page = client.get(url)
    assert page.status_code == 200
    assert skill.esco_uri in page.content.decode()
