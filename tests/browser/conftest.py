from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page

from accounts.models import User


@pytest.fixture(autouse=True)
def _strict_page(page: Page) -> Iterator[None]:
    """Fail a browser test if the page breaks our Content-Security-Policy or throws."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and (
            "Content Security Policy" in message.text or "Refused to" in message.text
        ):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.set_default_timeout(10_000)
    yield
    assert not problems, "\n".join(problems)


@pytest.fixture
def login_as(live_server: object, page: Page) -> Callable[[User], None]:
    """Sign a user in by giving the browser a real session cookie (skips the login form)."""

    def login(user: User) -> None:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,  # type: ignore[attr-defined]
                }
            ]
        )

    return login
