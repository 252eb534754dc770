"""Recommendations in Chromium (French, axe on every page): a student with Django and
PostgreSQL sees a brief needing them above one needing Swift, opens the reasons by keyboard
and reads the missing skill; filters work without a mouse; an organisation member sees the
recommended profiles of their brief."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from matching.models import RecomputeRun, Skill
from matching.services.recommendations import recompute_all, recompute_queue
from organisations.models import BriefSkill
from tests.cast import build_cast

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _needs(brief, *slugs: str) -> None:
    for slug in slugs:
        BriefSkill.objects.create(
            brief=brief, skill=Skill.objects.get(slug=slug), level=2, weight=3
        )


def test_a_student_sees_the_brief_that_needs_their_skills_first(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    cast = build_cast()  # student_a: Django (advanced), PostgreSQL (intermediate), Lille
    django_brief, swift_brief = cast.brief_a, cast.brief_b
    django_brief.title = "Base de données des adhérents"
    django_brief.save()
    swift_brief.title = "Application iPhone de la ressourcerie"
    swift_brief.save()
    BriefSkill.objects.filter(brief=django_brief).delete()
    _needs(django_brief, "django", "postgresql")
    # A brief whose required skills the student covers none of is not recommended at all:
    # this one shares PostgreSQL, so it is listed, lower, with Swift missing.
    _needs(swift_brief, "swift", "postgresql")
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    recompute_all(run=run)

    login_as(cast.student_a)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Missions pour vous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Missions pour vous")
    assert_accessible(page)

    titles = page.locator(".recommendation .card-title").all_inner_texts()
    assert titles.index("Base de données des adhérents") < titles.index(
        "Application iPhone de la ressourcerie"
    )
    swift_card = page.locator(".recommendation").filter(
        has_text="Application iPhone de la ressourcerie"
    )
    summary = swift_card.locator("summary")
    expect(summary).to_contain_text("Couvre 1 des 2 compétences recherchées")
    # By keyboard: focus the disclosure and open it with Enter.
    summary.focus()
    page.keyboard.press("Enter")
    expect(swift_card.locator("details")).to_have_attribute("open", "")
    expect(swift_card.locator(".match-lines")).to_contain_text(
        "manque Swift (niveau intermédiaire)"
    )
    expect(swift_card.locator(".match-lines")).to_contain_text("À distance possible")
    assert_accessible(page)

    # Filters: choosing a kind of need swaps the list in place (htmx) and updates the URL.
    page.get_by_label("Type de besoin").select_option("mobile_app")
    expect(page.locator("#recommendation-results")).to_contain_text(
        "Aucune mission ne correspond à ces filtres"
    )
    expect(page).to_have_url(
        f"{live_server.url}/matching/recommendations/?category=mobile_app&work_mode="
    )
    page.get_by_label("Type de besoin").select_option("website")
    expect(page.locator(".recommendation")).to_have_count(2)
    assert_accessible(page)
    # On a desktop the sidebar is wide enough for every kind of need: none is cut short
    # ("Tous les types de besoir").
    for text, width, room in page.get_by_label("Type de besoin").evaluate(_OPTION_WIDTHS):
        assert width + _SELECT_ARROW <= room, text


# The select's arrow takes about this much of its content box in Chromium.
_SELECT_ARROW = 24
# Each option's text width in the select's font, and the room its content box leaves.
_OPTION_WIDTHS = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return Array.from(select.options, (o) => [o.text, context.measureText(o.text).width, room]);
}"""


def test_a_new_student_finds_the_way_to_saved_projects(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    """A fresh account (no profile, no cohort) opening "Mes missions enregistrées" by its
    address: a page that leads to joining a cohort, never a 403."""
    from tests.factories import UserFactory

    build_cast()
    newcomer = UserFactory.create(intent=User.Intent.STUDENT)
    login_as(newcomer)
    page.goto(live_server.url + "/matching/recommendations/")
    expect(page.get_by_role("link", name="Mes missions enregistrées")).to_have_count(0)
    response = page.goto(live_server.url + "/matching/saved/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Rejoignez votre promotion pour enregistrer des missions"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Rejoindre ma promotion").click()
    expect(page).to_have_url(live_server.url + "/join/")


def test_an_organisation_member_sees_recommended_profiles(
    page: Page, live_server, login_as: Callable[[User], None]
) -> None:
    cast = build_cast()
    profile = cast.profile_a
    profile.visible_to_organisations = True
    profile.visibility_consented_at = timezone.now()
    profile.save()
    BriefSkill.objects.filter(brief=cast.brief_a).delete()
    _needs(cast.brief_a, "django", "swift")
    run = recompute_queue(trigger=RecomputeRun.Trigger.MANUAL)
    assert run is not None
    recompute_all(run=run)

    login_as(cast.member_a)
    page.goto(f"{live_server.url}/matching/briefs/{cast.brief_a.pk}/recommended-students/")
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.brief_a.title)
    expect(page.get_by_text("Profils recommandés", exact=True)).to_be_visible()
    expect(page.get_by_text("1 profil recommandé")).to_be_visible()
    student = page.get_by_role("link", name=cast.student_a.display_name, exact=True)
    expect(student).to_be_visible()
    # Every profile ends on a next step: here, their profile page.
    expect(page.locator(".student-match-actions").get_by_role("link")).to_have_text(
        f"Voir le profil : {cast.student_a.display_name}"
    )
    page.locator("summary").first.click()
    expect(page.locator(".match-lines")).to_contain_text("manque Swift")
    assert_accessible(page)
    student.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cast.student_a.display_name)
