"""The adapter from the database to the scoring engine (matching/engine_data.py) and the
worded explanation, against hand-computed expectations."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from matching import engine_data
from matching.engine_data import (
    DEFAULT_AVAILABILITY_DAYS,
    DEFAULT_BRIEF_WINDOW_DAYS,
    DEFAULT_EFFORT_HOURS,
    brief_block,
    city_key,
    explanations_for,
    normalise_city,
    score_pair,
    student_block,
)
from matching.explanations import word_explanation
from matching.models import Cause, Skill, TeamMember
from matching.scoring import LocationVerdict, RemotePreference, WorkMode, departement_key
from organisations.models import Brief, BriefSkill
from organisations.workflow import BriefState
from students.models import Enrolment, StudentProfile, StudentSkill
from tests.factories import UserFactory

TODAY = datetime.date.today()


# --- Places (no database) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("ST ETIENNE", "saint etienne"),
        ("St-Etienne", "saint etienne"),
        ("  saint   étienne ", "saint etienne"),
        ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
        ("Paris 11e", "paris"),
        ("Lyon 3e arrondissement", "lyon"),
        ("Marseille 13", "marseille"),
        ("Lille Cedex 9", "lille"),
        ("Villeneuve-d'Ascq", "villeneuve d ascq"),
        ("Stains", "stains"),
        ("", ""),
    ],
)
def test_normalise_city(name: str, expected: str) -> None:
    assert normalise_city(name) == expected


def test_city_key_is_stable_and_qualified_by_the_departement() -> None:
    assert city_key("Saint-Étienne", "42") == city_key("st etienne", "42") > 0
    assert city_key("Saint-Étienne", "42") != city_key("Saint-Étienne", "43")
    assert city_key("Lille", "59") == 2411574318027049223  # the same in every process
    assert city_key("", "59") == -1
    assert city_key("Lille", "") == -1


# --- Students ----------------------------------------------------------------------------------


def _skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


@pytest.mark.django_db
def test_student_block_reads_held_skills_and_profile_fields(cast) -> None:
    profile = cast.profile_a
    # A learning wish is not a competence.
    StudentSkill.objects.create(
        profile=profile, skill=_skill("swift"), level=1, wants_to_learn=True
    )
    insertion = Cause.objects.order_by("pk").first()
    profile.causes.add(insertion)
    profile.remote_preference = "onsite_only"
    profile.city = "LILLE"
    profile.save()

    block = student_block([cast.student_a])

    taxonomy = block.taxonomy
    assert block.ids.tolist() == [cast.student_a.pk]
    levels = {
        int(taxonomy.skill_ids[k]): int(v)
        for k, v in zip(block.skill_levels.indices, block.skill_levels.data, strict=True)
    }
    assert levels == {_skill("django").pk: 3, _skill("postgresql").pk: 2}
    assert block.hours_per_week.tolist() == [8.0]
    assert block.available_from.tolist() == [cast.cohort_a.starts_on.toordinal()]
    assert block.available_to.tolist() == [cast.cohort_a.ends_on.toordinal()]
    assert block.city.tolist() == [city_key("Lille", "59")]
    assert block.departement.tolist() == [59]
    assert block.remote_preference.tolist() == [RemotePreference.ONSITE_ONLY]
    assert [int(taxonomy.cause_ids[c]) for c in block.causes.indices] == [insertion.pk]


@pytest.mark.django_db
def test_student_defaults_come_from_the_cohort_then_from_today(cast) -> None:
    # student_b: an empty profile in cohort_b (120 days, 60 expected hours).
    loner = UserFactory.create()
    StudentProfile.objects.create(user=loner)

    block = student_block([cast.student_b, loner.pk])

    assert block.ids.tolist() == sorted([cast.student_b.pk, loner.pk])
    by_id = {int(s): i for i, s in enumerate(block.ids)}
    b, alone = by_id[cast.student_b.pk], by_id[loner.pk]
    cohort = cast.cohort_b
    assert block.available_from[b] == cohort.starts_on.toordinal()
    assert block.available_to[b] == cohort.ends_on.toordinal()
    weeks = ((cohort.ends_on - cohort.starts_on).days + 1) / 7
    assert block.hours_per_week[b] == pytest.approx(round(60 / weeks, 1))
    assert block.city[b] == -1
    assert block.departement[b] == -1
    today = timezone.localdate()
    assert block.available_from[alone] == today.toordinal()
    assert block.available_to[alone] == today.toordinal() + DEFAULT_AVAILABILITY_DAYS - 1
    assert block.hours_per_week[alone] == 0


@pytest.mark.django_db
def test_an_archived_cohort_gives_no_dates(cast) -> None:
    cast.cohort_b.archived_at = timezone.now()
    cast.cohort_b.save()
    block = student_block([cast.student_b])
    assert block.available_from[0] == timezone.localdate().toordinal()
    assert block.hours_per_week[0] == 0


@pytest.mark.django_db
def test_the_cohort_that_ends_last_gives_the_dates(cast) -> None:
    later = type(cast.cohort_a).objects.create(
        school=cast.school_a,
        name="Promotion suivante",
        programme="Data",
        starts_on=TODAY + datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=300),
        expected_hours=100,
        join_code="LATERCOD",
    )
    Enrolment.objects.create(cohort=later, student=cast.student_b, source="code")
    block = student_block([cast.student_b])
    assert block.available_to[0] == later.ends_on.toordinal()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_student_block_runs_four_queries_whatever_the_size(
    cast, size, django_assert_num_queries
) -> None:
    users = UserFactory.create_batch(size)
    django_skill = _skill("django")
    for user in users:
        profile = StudentProfile.objects.create(user=user, city="Lille", postcode="59000")
        StudentSkill.objects.create(profile=profile, skill=django_skill, level=2)
    engine_data.taxonomy_from_db()  # cached from here on
    with django_assert_num_queries(4):
        block = student_block(StudentProfile.objects.filter(user__in=users))
    assert len(block) == size


# --- Briefs ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_brief_block_reads_requirements_dates_place_causes_and_openness(cast) -> None:
    brief = cast.brief_b
    brief.work_mode = "hybrid"
    brief.city = "Lyon 2e"
    brief.postcode = "69002"
    brief.department = "69"
    brief.save()
    BriefSkill.objects.create(brief=brief, skill=_skill("django"), level=3, weight=3)
    BriefSkill.objects.create(brief=brief, skill=_skill("swift"), level=1, weight=1)
    causes = list(Cause.objects.order_by("pk")[:2])
    cast.org_b.causes.set(causes)

    block = brief_block(Brief.objects.filter(pk__in=[cast.brief_a.pk, cast.draft_a.pk, brief.pk]))

    taxonomy = block.taxonomy
    assert block.ids.tolist() == sorted([cast.brief_a.pk, cast.draft_a.pk, brief.pk])
    j = block.ids.tolist().index(brief.pk)
    row = block.required_levels[[j]]
    weights = block.skill_weights[[j]]
    requirements = {
        int(taxonomy.skill_ids[k]): (int(level), float(weight))
        for k, level, weight in zip(row.indices, row.data, weights.data, strict=True)
    }
    assert requirements == {_skill("django").pk: (3, 3.0), _skill("swift").pk: (1, 1.0)}
    assert block.effort_hours[j] == 80
    assert block.start[j] == brief.start_date.toordinal()
    assert block.end[j] == brief.end_date.toordinal()
    assert block.mode[j] == WorkMode.HYBRID
    assert block.city[j] == city_key("Lyon", "69")
    assert block.departement[j] == departement_key("69")
    assert sorted(int(taxonomy.cause_ids[c]) for c in block.causes[[j]].indices) == sorted(
        c.pk for c in causes
    )
    opened = dict(zip(block.ids.tolist(), block.open.tolist(), strict=True))
    assert opened == {cast.brief_a.pk: True, cast.draft_a.pk: False, brief.pk: True}


@pytest.mark.django_db
def test_a_full_team_closes_the_brief(cast) -> None:
    brief = cast.brief_a
    brief.team_min, brief.team_max = 1, 2
    brief.save()
    TeamMember.objects.create(brief=brief, student=cast.student_a, seat=1, source="application")
    assert brief_block([brief]).open.tolist() == [True]
    TeamMember.objects.create(brief=brief, student=cast.student_b, seat=2, source="application")
    assert brief_block([brief]).open.tolist() == [False]


@pytest.mark.django_db
def test_brief_defaults(cast) -> None:
    brief = cast.brief_a
    published = timezone.now() - datetime.timedelta(days=3)
    Brief.objects.filter(pk=brief.pk).update(
        effort_hours=None, start_date=None, end_date=None, published_at=published, postcode=""
    )
    block = brief_block([brief.pk])
    start = timezone.localdate(published)
    assert block.effort_hours.tolist() == [DEFAULT_EFFORT_HOURS]
    assert block.start.tolist() == [start.toordinal()]
    assert block.end.tolist() == [start.toordinal() + DEFAULT_BRIEF_WINDOW_DAYS - 1]
    assert block.departement.tolist() == [-1]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_brief_block_runs_three_queries_whatever_the_size(
    cast, size, django_assert_num_queries
) -> None:
    for n in range(size):
        copy = Brief.objects.create(
            organisation=cast.org_a,
            title=f"Mission {n}",
            need_category="website",
            problem="Un besoin.",
            state=BriefState.PUBLISHED,
        )
        BriefSkill.objects.create(brief=copy, skill=_skill("django"))
    engine_data.taxonomy_from_db()
    with django_assert_num_queries(3):
        block = brief_block(Brief.objects.published())
    assert len(block) == size + 2


# --- Explanations -------------------------------------------------------------------------------


def _django_postgres_swift_brief(cast) -> Brief:
    brief = cast.brief_b
    BriefSkill.objects.create(brief=brief, skill=_skill("django"), level=3, weight=3)
    BriefSkill.objects.create(brief=brief, skill=_skill("postgresql"), level=3, weight=2)
    BriefSkill.objects.create(brief=brief, skill=_skill("swift"), level=2, weight=1)
    return brief


@pytest.mark.django_db
def test_score_pair_by_hand(cast) -> None:
    brief = _django_postgres_swift_brief(cast)
    explanation = score_pair(cast.student_a, brief)
    assert explanation is not None
    # Skills: Django 3/3 (weight 3), PostgreSQL 2 for 3 (weight 2, credit 2/3), Swift none
    # (weight 1): (3 + 4/3) / 6 of 60 points.
    assert explanation.components["skills"] == pytest.approx(60 * (3 + 4 / 3) / 6)
    # 8 h/week; cohort_a runs today → +120 days, the brief +14 → +90: 77 days, 11 weeks,
    # 88 h for 80 h needed.
    assert explanation.overlap_days == 77
    assert explanation.hours_available == pytest.approx(88)
    assert explanation.components["availability"] == 20
    assert explanation.location_verdict == LocationVerdict.REMOTE
    assert explanation.components["causes"] == 0
    assert explanation.score == pytest.approx(60 * (3 + 4 / 3) / 6 + 30)
    assert [m.skill_id for m in explanation.skills_missing] == [_skill("swift").pk]


@pytest.mark.django_db
def test_explanations_for_many_pairs_in_constant_queries(cast, django_assert_num_queries) -> None:
    engine_data.taxonomy_from_db()
    pairs = [(s, b) for s in (cast.student_a, cast.student_b) for b in (cast.brief_a, cast.brief_b)]
    with django_assert_num_queries(7):
        result = explanations_for([*pairs, (cast.owner_a, cast.brief_a)])
    # owner_a has no student profile: left out.
    assert set(result) == {(s.pk, b.pk) for s, b in pairs}
    assert score_pair(cast.owner_a, cast.brief_a) is None


@pytest.mark.django_db
def test_a_draft_brief_is_excluded(cast) -> None:
    explanation = score_pair(cast.profile_a, cast.draft_a)
    assert explanation is not None
    assert explanation.score is None
    assert explanation.excluded == "brief_closed"


@pytest.mark.django_db
def test_the_explanation_in_french(cast) -> None:
    brief = _django_postgres_swift_brief(cast)
    causes = list(Cause.objects.order_by("pk")[:2])
    cast.org_b.causes.set(causes)
    cast.profile_a.causes.add(causes[0])
    explanation = score_pair(cast.student_a, brief)
    assert explanation is not None

    worded = word_explanation(explanation)

    assert explanation.score is not None
    assert worded.score == round(explanation.score)
    assert worded.headline == "Couvre 2 des 3 compétences recherchées"
    skills, availability, place, shared = worded.lines
    assert skills.text == (
        "Couvre 2 des 3 compétences recherchées\u00a0; manque Swift (niveau intermédiaire)"
    )
    assert skills.details == ("PostgreSQL\u00a0: niveau intermédiaire, niveau avancé demandé",)
    assert availability.text == (
        "Disponible 8 h/semaine × 11 semaines = 88 h pour 80 h nécessaires"
    )
    assert place.text == "À distance possible"
    assert shared.text == f"Cause partagée\u00a0: {causes[0].name_fr}"
    html = Template("{% load match_explanation %}{% match_explanation e %}").render(
        Context({"e": explanation})
    )
    assert "<details" in html
    assert "Pourquoi ce score\u00a0?" in html
    assert "manque Swift" in html
    assert f"Score de correspondance {worded.score} sur 100" in html


@pytest.mark.django_db
def test_a_related_skill_is_named(cast) -> None:
    from matching.models import SkillRelation

    relation = SkillRelation.objects.select_related("from_skill", "to_skill").first()
    assert relation is not None
    profile = StudentProfile.objects.create(user=UserFactory.create(), hours_per_week=5)
    StudentSkill.objects.create(profile=profile, skill=relation.from_skill, level=4)
    BriefSkill.objects.create(brief=cast.brief_b, skill=relation.to_skill, level=2, weight=2)
    explanation = score_pair(profile, cast.brief_b)
    assert explanation is not None
    worded = word_explanation(explanation)
    assert worded.lines[0].details == (
        f"{relation.from_skill.name_fr} compte en partie pour {relation.to_skill.name_fr} "
        "(compétence proche)",
    )
