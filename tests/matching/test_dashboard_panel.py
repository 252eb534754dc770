import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .recommendations_fixtures import add_briefs

pytestmark = pytest.mark.django_db


def _holds(profile, slug: str, level: int = 2) -> None:
    from matching.models import Skill
    from students.models import StudentSkill

    StudentSkill.objects.create(profile=profile, skill=Skill.objects.get(slug=slug), level=level)


def test_students_see_their_best_projects_on_the_dashboard(cast, client_for) -> None:
    _holds(cast.profile_a, "wordpress")  # brief_a's one required skill
    body = client_for(cast.student_a).get(reverse("dashboard")).content.decode()
    assert 'id="student-matches-title"' in body
    assert cast.brief_a.get_absolute_url() in body
    assert "candidature en cours" in body or "candidatures en cours" in body


def test_the_dashboard_leaves_out_what_the_student_applied_to_and_says_the_cap(
    cast, client_for
) -> None:
    from .applications_fixtures import free, make_application, new_brief

    free(cast.cohort_a, max_accepted_applications=1)
    _holds(cast.profile_a, "wordpress")
    other = new_brief(cast, title="Un autre site")
    other.brief_skills.create(skill=cast.brief_a.brief_skills.get().skill, level=1)
    make_application(cast.student_a, cast.brief_a, state="accepted")
    body = client_for(cast.student_a).get(reverse("dashboard")).content.decode()
    assert cast.brief_a.get_absolute_url() not in body  # she is in its team
    assert other.get_absolute_url() in body
    assert "Vous avez déjà 1 candidature acceptée, le maximum prévu par votre promotion" in body


def test_other_roles_do_not_get_the_student_panel(cast, client_for) -> None:
    for user in (cast.owner_a, cast.staff_a, cast.moderator):
        body = client_for(user).get(reverse("dashboard")).content.decode()
        assert 'id="student-matches-title"' not in body


def test_the_dashboard_costs_the_same_with_more_published_briefs(cast, client_for) -> None:
    client = client_for(cast.student_a)
    client.get(reverse("dashboard"))  # warm the caches (taxonomy, published block)
    few = _count(client)
    add_briefs(cast, 30)
    client.get(reverse("dashboard"))
    assert _count(client) == few


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    return len(queries)
