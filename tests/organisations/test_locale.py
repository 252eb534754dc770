"""French typography on the organisations pages: a non-breaking space before ? ! : ; so a
question mark never starts a line of its own ("coup de main" / "?"). The catalogue itself is
checked with the others' (tests/test_pages.py)."""

import pytest


@pytest.mark.django_db
def test_the_help_panel_question_mark_stays_on_its_line(client_for, cast) -> None:
    html = client_for(cast.owner_a).get(f"/briefs/{cast.draft_a.pk}/edit/skills/").content
    assert "coup de main\u00a0?" in html.decode()
