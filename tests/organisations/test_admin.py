"""Moderation in the Django admin: queues, bulk actions through the services, a reason
page, the read-only audit trail, and the moderators' least privilege."""

import re
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from accounts.models import AuditEvent
from notifications.models import Notification
from organisations import services
from organisations.models import Brief, Organisation
from tests.factories import UserFactory

from .helpers import complete_brief, make_organisation

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/admin/organisations/organisation/"
BRIEFS = "/admin/organisations/brief/"


@pytest.fixture
def moderator(cast, client_for) -> Client:
    return client_for(cast.moderator)


@pytest.fixture
def pending(cast) -> Organisation:
    return make_organisation(cast.student_b, name="Épicerie Solidaire du Centre")


@pytest.fixture
def submitted(cast) -> Brief:
    brief = complete_brief(cast.org_a, cast.owner_a)
    return services.brief_submit(brief=brief, acting_user=cast.owner_a)


def test_queues_and_search(moderator, pending, submitted) -> None:
    response = moderator.get(ORGANISATIONS, {"verification_state__exact": "pending"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [pending]
    response = moderator.get(ORGANISATIONS, {"q": pending.rna})
    assert list(response.context["cl"].result_list) == [pending]
    response = moderator.get(BRIEFS, {"queue": "ready"})
    assert list(response.context["cl"].result_list) == [submitted]


def test_bulk_verify_goes_through_the_service(moderator, cast, pending) -> None:
    response = moderator.post(
        ORGANISATIONS, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [pending.pk]}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_state == "verified"
    assert AuditEvent.objects.filter(action="organisation.verify", actor=cast.moderator).exists()
    assert Notification.objects.filter(kind="organisation_verified").count() == 1


def test_rejecting_asks_for_a_reason_first(moderator, cast, submitted) -> None:
    data = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [submitted.pk]}
    page = moderator.post(BRIEFS, data)
    assert (
        page.status_code == 200 and "Motif, montré à l&#x27;organisation" in page.content.decode()
    )
    assert Brief.objects.get(pk=submitted.pk).state == "submitted"
    empty = moderator.post(BRIEFS, {**data, "apply": "1", "reason": ""})
    assert empty.status_code == 200 and Brief.objects.get(pk=submitted.pk).state == "submitted"
    done = moderator.post(BRIEFS, {**data, "apply": "1", "reason": "Précisez les dates."})
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.rejection_reason) == ("rejected", "Précisez les dates.")
    assert Notification.objects.filter(kind="brief_rejected").count() == 2


def test_publishing_a_brief_of_an_unverified_organisation_is_refused(moderator, cast) -> None:
    organisation = make_organisation(cast.student_b)
    brief = complete_brief(organisation, cast.student_b)
    services.brief_submit(brief=brief, acting_user=cast.student_b)
    response = moderator.post(
        BRIEFS, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [brief.pk]}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    # French typography: a non-breaking space before the colon, lower case after it.
    assert len(messages) == 1
    assert messages[0].startswith(f"«\u00a0{brief.title}\u00a0»\u00a0: vérifiez l'organisation")
    assert Brief.objects.get(pk=brief.pk).state == "submitted"


def test_bulk_messages_agree_with_the_count(moderator, cast, pending) -> None:
    other = make_organisation(cast.owner_b, name="Toit Partagé", rna="W131000001")
    response = moderator.post(
        ORGANISATIONS,
        {"action": "verify_selected", ACTION_CHECKBOX_NAME: [pending.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["1 organisation vérifiée."]
    Organisation.objects.filter(pk=pending.pk).update(verification_state="pending")
    response = moderator.post(
        ORGANISATIONS,
        {"action": "verify_selected", ACTION_CHECKBOX_NAME: [pending.pk, other.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["2 organisations vérifiées."]


def test_publish_from_the_change_page(moderator, submitted) -> None:
    page = moderator.get(f"{BRIEFS}{submitted.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Journal des actions" in html and "brief.submit" in html
    assert 'value="publish_selected"' in html and 'name="_save"' not in html
    moderator.post(BRIEFS, {"action": "publish_selected", "_selected_action": submitted.pk})
    assert Brief.objects.get(pk=submitted.pk).state == "published"
    page = moderator.get(f"{BRIEFS}{submitted.pk}/change/")
    assert 'value="publish_selected"' not in page.content.decode()


def test_moderators_cannot_delete_edit_or_manage_users(moderator, cast, pending) -> None:
    assert moderator.get(f"{ORGANISATIONS}{pending.pk}/delete/").status_code == 403
    assert moderator.get(f"{ORGANISATIONS}add/").status_code == 403
    response = moderator.post(
        ORGANISATIONS, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [pending.pk]}
    )
    assert Organisation.objects.filter(pk=pending.pk).exists()
    assert response.status_code in (200, 302)
    name = pending.name
    moderator.post(f"{ORGANISATIONS}{pending.pk}/change/", {"name": "Changé"})
    assert Organisation.objects.get(pk=pending.pk).name == name
    assert moderator.get("/admin/accounts/user/").status_code == 403
    assert moderator.get(f"/admin/accounts/user/{cast.owner_a.pk}/change/").status_code == 403
    assert moderator.get("/admin/auth/group/").status_code == 403
    assert not cast.moderator.has_perm("organisations.delete_organisation")
    assert not cast.moderator.has_perm("organisations.change_brief")


def test_people_outside_the_moderators_cannot_moderate(cast, client_for, pending) -> None:
    staff_only = UserFactory.create(email="staff@humanitech.fr", is_staff=True)
    for client in (client_for(staff_only), client_for(cast.owner_a)):
        client.post(
            ORGANISATIONS, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [pending.pk]}
        )
    assert Organisation.objects.get(pk=pending.pk).verification_state == "pending"
    assert client_for(staff_only).get(ORGANISATIONS).status_code == 403


def _links(html: str) -> set[str]:
    """The site's own links in an admin page's content (static files aside; the header and
    the navigation sidebar are Django's)."""
    html = html[html.index('id="content-start"') :]
    return {
        unescape(href)
        for href in re.findall(r'href="(/[^"]*)"', html)
        if not href.startswith(("/static/", "/media/"))
    }


def _dead_links(client: Client, url: str) -> dict[str, int]:
    html = client.get(url).content.decode()
    answers = {link: client.get(link, follow=True).status_code for link in _links(html)}
    return {link: status for link, status in answers.items() if status != 200}


@pytest.mark.parametrize("state", ["submitted", "rejected", "cancelled", "published", "draft"])
def test_a_moderator_meets_no_dead_link_on_a_brief(moderator, cast, state) -> None:
    brief = complete_brief(cast.org_a, cast.owner_a)
    Brief.objects.filter(pk=brief.pk).update(state=state)
    page = f"{BRIEFS}{brief.pk}/change/"
    assert _dead_links(moderator, page) == {}
    public = f"/briefs/{brief.pk}/"
    html = moderator.get(page).content.decode()
    # "View on site" and the public page's link only when the page answers to everyone.
    assert (f'href="{public}"' in html) == (state == "published")
    assert (public in _links(html)) == (state == "published")


def test_a_moderator_meets_no_dead_link_on_an_organisation(moderator, cast) -> None:
    page = f"{ORGANISATIONS}{cast.org_a.pk}/change/"
    assert _dead_links(moderator, page) == {}
    html = moderator.get(page).content.decode()
    # Member accounts are plain text: the moderator may not open user accounts.
    assert cast.owner_a.email in html
    assert f"/admin/accounts/user/{cast.owner_a.pk}/" not in html


def test_a_superuser_still_gets_links_to_member_accounts(cast, client_for) -> None:
    admin = UserFactory.create(email="root@humanitech.fr", is_staff=True, is_superuser=True)
    html = client_for(admin).get(f"{ORGANISATIONS}{cast.org_a.pk}/change/").content.decode()
    assert f'href="/admin/accounts/user/{cast.owner_a.pk}/change/"' in html
