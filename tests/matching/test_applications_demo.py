"""Demo applications: every state, Léa in a team and waiting on another, a team formed on
organisation A's brief, the rules of the services kept, and N times more in bulk."""

from collections import Counter

import pytest
from django.db.models import Count

from accounts import demo as accounts_demo
from humanitech.demo import DemoContext
from matching import demo_applications
from matching.models import Application, ApplicationState, TeamMember
from matching.selectors.applications import brief_ids_full
from organisations import demo as organisations_demo
from organisations.models import Brief
from organisations.workflow import BriefState
from students import demo as students_demo

S = ApplicationState
pytestmark = pytest.mark.django_db


def _seeded_before(scale: int) -> DemoContext:
    ctx = DemoContext(scale=scale, log=lambda message: None)
    accounts_demo.seed(ctx)
    organisations_demo.seed(ctx)
    students_demo.seed(ctx)
    return ctx


def test_demo_applications_at_scale_one() -> None:
    ctx = _seeded_before(1)
    demo_applications.seed(ctx)
    assert set(Application.objects.values_list("state", flat=True)) == set(S.values)
    lea = dict(
        Application.objects.filter(student=ctx.users["etudiant"]).values_list(
            "brief__organisation", "state"
        )
    )
    org_a = ctx.objects["organisation_a"]
    assert lea.pop(org_a.pk) == S.ACCEPTED
    assert list(lea.values()) == [S.AWAITING_APPROVAL]
    published = Brief.objects.get(organisation=org_a, state=BriefState.PUBLISHED)
    assert published.team_members.count() == published.team_min  # ready to start
    assert published.applications.filter(state=S.SUBMITTED).exists()
    for brief in Brief.objects.filter(state__in=[BriefState.IN_PROGRESS, BriefState.CLOSED]):
        assert brief.team_members.count() >= brief.team_min
    # The rules of the services hold: no full published brief, one project per student,
    # seats numbered from 1, approval only in cohorts that ask for it.
    assert not brief_ids_full(list(Brief.objects.published().values_list("pk", flat=True)))
    per_student = Counter(
        Application.objects.filter(state=S.ACCEPTED).values_list("student", flat=True)
    )
    assert max(per_student.values()) == 1
    assert TeamMember.objects.filter(application__state=S.ACCEPTED).count() == sum(
        per_student.values()
    )
    assert not Application.objects.filter(
        state=S.AWAITING_APPROVAL, enrolment__cohort__application_policy="free"
    ).exists()


def test_demo_applications_scale_in_bulk(django_assert_max_num_queries) -> None:
    ctx = _seeded_before(3)
    with django_assert_max_num_queries(10):
        demo_applications.seed(ctx)
    counts = Application.objects.values("brief").annotate(n=Count("pk"))
    assert Application.objects.count() > 100 and counts.count() > 40
