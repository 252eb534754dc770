"""The organisations app's French catalogue follows French typography: a non-breaking space
before ? ! : ; so a question mark never starts a line of its own ("coup de main" / "?")."""

import re

import pytest

from tests.catalogues import french_strings


def test_no_breakable_space_before_double_punctuation() -> None:
    strings = french_strings(["organisations/locale"])
    breakable = [text for text in strings if re.search(r" [?!:;]", text)]
    assert breakable == []


@pytest.mark.django_db
def test_the_help_panel_question_mark_stays_on_its_line(client_for, cast) -> None:
    html = client_for(cast.owner_a).get(f"/briefs/{cast.draft_a.pk}/edit/skills/").content
    assert "coup de main\u00a0?" in html.decode()
