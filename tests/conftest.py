import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from accounts.models import User

from .cast import Cast, build_cast

# Playwright's sync API runs an event loop in the main thread; Django must still allow ORM
# calls from the test body there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI sets this so that a test skipped for a missing service fails instead of hiding.
REQUIRE_ALL = os.environ.get("HUMANITECH_REQUIRE_ALL_TESTS") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_reachable() -> bool:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    browser_dir = Path(__file__).parent / "browser"
    for item in items:
        # Everything under tests/browser/ drives Chromium (a conftest cannot set pytestmark).
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
    reasons = {}
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        reasons["postgres"] = "needs PostgreSQL (set DATABASE_URL)"
    if not _redis_reachable():
        reasons["redis"] = "needs a reachable Redis (127.0.0.1:6379 or TEST_REDIS_URL)"
    if not Path(CHROMIUM).exists():
        reasons["browser"] = f"needs Chromium at {CHROMIUM}"
    needed = {name for item in items for name in reasons if name in item.keywords}
    if REQUIRE_ALL and needed:
        missing = "; ".join(reasons[name] for name in sorted(needed))
        raise pytest.UsageError(f"HUMANITECH_REQUIRE_ALL_TESTS=1 but: {missing}")
    for item in items:
        for name, reason in reasons.items():
            if name in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _isolate_state() -> Iterator[None]:
    # Rate limits and cached figures live in the cache: each test starts clean, in French.
    cache.clear()
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests start from flushed tables: put back what the migrations loaded.

    (Serialized rollback cannot do it reliably: once Playwright's event loop runs in the main
    thread, Django hands the test a fresh connection object without the serialized data.)
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.core.management.sql import emit_post_migrate_signal

    from matching.models import Cause, NeedCategorySkill, Skill, SkillRelation
    from matching.taxonomy_load import load_taxonomy

    if not Skill.objects.exists():
        # Content types, permissions and the moderators group, then the skills taxonomy.
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        load_taxonomy(
            skill_model=Skill,
            relation_model=SkillRelation,
            cause_model=Cause,
            default_model=NeedCategorySkill,
        )


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# --- Browser tests -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(scope="session")
def base_url() -> None:
    # Tests build URLs from live_server.url; this replaces pytest-playwright's own fixture,
    # which pytest 9 deprecates (instance-method session fixture).
    return None
