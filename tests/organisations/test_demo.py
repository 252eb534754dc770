"""Demo organisations and briefs: realistic, valid, in every state, and N times more fast."""

import pytest

from accounts import demo as accounts_demo
from humanitech.demo import DemoContext
from organisations import demo
from organisations.identifiers import is_valid_rna, is_valid_siren, is_valid_siret
from organisations.models import Brief, Organisation
from organisations.search import apply_search
from organisations.workflow import BriefState

pytestmark = pytest.mark.django_db


def seeded(scale: int) -> DemoContext:
    ctx = DemoContext(scale=scale, log=lambda message: None)
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_demo_data_at_scale_one() -> None:
    ctx = seeded(1)
    assert Organisation.objects.count() == 15 and Brief.objects.count() == 40
    assert set(Brief.objects.values_list("state", flat=True)) == set(BriefState.values)
    org_a, org_b = ctx.objects["organisation_a"], ctx.objects["organisation_b"]
    assert org_a.memberships.get().user.email == "association@demo.humanitech.fr"
    assert org_b.memberships.get().user.email == "association2@demo.humanitech.fr"
    assert org_a.is_verified and org_a != org_b
    assert len(set(org_a.briefs.values_list("state", flat=True))) >= 6
    for organisation in Organisation.objects.all():
        assert is_valid_siren(organisation.siren) and is_valid_siret(organisation.siret)
        assert not organisation.rna or is_valid_rna(organisation.rna)
    # Published briefs belong to verified organisations only.
    assert not Brief.objects.public().exclude(organisation__verification_state="verified")
    assert all(brief.brief_skills.exists() for brief in Brief.objects.all())
    found = apply_search(Brief.objects.published(), "site internet adhérents")
    assert found.first().title == "Un site internet pour nos adhérents et nos bénévoles"
    assert len(ctx.objects["briefs"]) == 40


def test_demo_data_scales(django_assert_max_num_queries) -> None:
    ctx = DemoContext(scale=3, log=lambda message: None)
    accounts_demo.seed(ctx)
    # Bulk inserts: the number of queries does not grow with the number of rows.
    with django_assert_max_num_queries(30):
        demo.seed(ctx)
    assert Organisation.objects.count() == 45 and Brief.objects.count() == 120
