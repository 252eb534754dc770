"""Pages of saved briefs and favourites, and the "Save" button on a brief's page."""

import pytest
from django.urls import reverse

from matching.models import SavedBrief

from .allocation_fixtures import published_brief, rank

pytestmark = pytest.mark.django_db


def _save(student, briefs):
    SavedBrief.objects.bulk_create([SavedBrief(student=student, brief=b) for b in briefs])


@pytest.mark.parametrize("count", [3, 30])
def test_favourites_page_constant_queries(cast, client_for, django_assert_max_num_queries, count):
    briefs = [published_brief(cast.org_a) for _ in range(count + 2)]
    rank(cast.student_a, briefs[:2])
    _save(cast.student_a, briefs[2:])
    client = client_for(cast.student_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:favourites"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mes favorites classées (2 sur 5)" in body
    assert body.count('class="ranked-item"') == 2
    assert body.count('class="saved-brief saved-brief-with-actions"') == count


def test_empty_favourites_page_says_what_to_do(cast, client_for):
    body = client_for(cast.student_a).get(reverse("matching:favourites")).content.decode()
    assert reverse("briefs:list") in body


def test_a_new_student_without_a_cohort_is_shown_the_way_not_refused(cast, client_for):
    """A fresh account (no profile, no cohort) reaching the page from "Missions pour
    vous" or a link: a page saying how to get there, never a 403."""
    from accounts.models import User
    from tests.factories import UserFactory

    newcomer = UserFactory.create(intent=User.Intent.STUDENT)
    client = client_for(newcomer)
    response = client.get(reverse("matching:favourites"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rejoignez votre promotion pour enregistrer des missions" in body
    assert reverse("students:join") in body
    assert "votre organisation" not in body
    # "Missions pour vous" no longer offers the way in before it makes sense…
    recommendations = client.get(reverse("matching:recommendations")).content.decode()
    assert reverse("matching:favourites") not in recommendations
    assert reverse("matching:favourites") in (
        client_for(cast.student_a).get(reverse("matching:recommendations")).content.decode()
    )
    # …and saving stays for students.
    toggle = reverse("matching:favourite_toggle", args=[cast.brief_a.pk])
    assert client.post(toggle, {"save": "1"}).status_code == 403


def test_the_two_lists_say_what_they_are_for_and_their_actions_are_buttons(cast, client_for):
    a, b = published_brief(cast.org_a), published_brief(cast.org_a)
    rank(cast.student_a, [a])
    _save(cast.student_a, [b])
    body = client_for(cast.student_a).get(reverse("matching:favourites")).content.decode()
    assert "jusqu'à 5 comme favorites" in body
    assert "c'est ce classement qu'il utilise" in body
    assert "Gardées pour plus tard" in body
    for button in (f'id="fav-out-{a.pk}"', f'id="fav-add-{b.pk}"', f'id="fav-forget-{b.pk}"'):
        tag = body[body.rindex("<button", 0, body.index(button)) : body.index(button)]
        assert 'class="button button-small' in tag


def test_move_through_the_page_and_come_back(cast, client_for):
    a, b = published_brief(cast.org_a), published_brief(cast.org_a)
    rank(cast.student_a, [a, b])
    client = client_for(cast.student_a)
    response = client.post(
        reverse("matching:favourite_move", args=[b.pk]), {"direction": "up"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("matching:favourites")
    ranked = list(
        SavedBrief.objects.filter(student=cast.student_a).order_by("rank").values_list("brief_id")
    )
    assert ranked == [(b.pk,), (a.pk,)]
    assert f"«\u00a0{b.title}\u00a0» est votre favorite n° 1." in response.content.decode()


def test_next_must_stay_on_the_site(cast, client_for):
    client = client_for(cast.student_a)
    response = client.post(
        reverse("matching:favourite_toggle", args=[cast.brief_a.pk]),
        {"save": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("matching:favourites")
    response = client.post(
        reverse("matching:favourite_toggle", args=[cast.brief_a.pk]),
        {"save": "0", "next": cast.brief_a.get_absolute_url()},
    )
    assert response["Location"] == cast.brief_a.get_absolute_url()
    assert not SavedBrief.objects.filter(student=cast.student_a).exists()


def test_a_sixth_favourite_is_refused_with_a_message(cast, client_for):
    briefs = [published_brief(cast.org_a) for _ in range(6)]
    rank(cast.student_a, briefs[:5])
    response = client_for(cast.student_a).post(
        reverse("matching:favourite_rank", args=[briefs[5].pk]), {"rank": "1"}, follow=True
    )
    assert "alert-error" in response.content.decode()
    assert SavedBrief.objects.filter(student=cast.student_a, rank__isnull=False).count() == 5


def test_brief_page_offers_save_to_students_only(cast, client_for):
    url = cast.brief_a.get_absolute_url()
    toggle = reverse("matching:favourite_toggle", args=[cast.brief_a.pk])
    assert toggle in client_for(cast.student_a).get(url).content.decode()
    assert toggle not in client_for(cast.owner_a).get(url).content.decode()
    assert toggle not in client_for(None).get(url).content.decode()


def test_brief_page_query_count_does_not_depend_on_saving(cast, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.student_a)
    url = cast.brief_a.get_absolute_url()
    client.get(url)  # warm caches (taxonomy labels…)
    with CaptureQueriesContext(connection) as before:
        body = client.get(url).content.decode()
    assert "Enregistrer" in body
    rank(cast.student_a, [cast.brief_a])
    with CaptureQueriesContext(connection) as after:
        body = client.get(url).content.decode()
    assert "Enregistrée\u00a0: votre favorite n° 1." in body
    assert len(after) == len(before)
