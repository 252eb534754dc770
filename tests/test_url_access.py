"""Walk every urlpattern and check each role against its declared policy."""

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import access
from .access import LOGIN, REDIRECT, Covered, Policy
from .cast import ROLES


def _all_policies() -> dict[str, Policy | Covered]:
    policies: dict[str, Policy | Covered] = {}
    for module_info in pkgutil.iter_modules(access.__path__):
        if module_info.name.startswith("policies_"):
            module = importlib.import_module(f"{access.__name__}.{module_info.name}")
            duplicated = policies.keys() & module.POLICIES.keys()
            assert not duplicated, f"policies declared twice: {duplicated}"
            policies.update(module.POLICIES)
    return policies


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


POLICIES = _all_policies()


# What Django's AdminSite and ModelAdmin generate: a "namespace:*" policy may cover these. A
# view an admin class adds itself (get_urls) needs a policy of its own, like any other view.
GENERATED_ADMIN_URL = re.compile(
    r"^admin:(index|login|logout|password_change(_done)?|autocomplete|jsi18n|view_on_site"
    r"|app_list|\w+_(changelist|add|change|delete|history))$"
)


def _policy_for(name: str) -> Policy | Covered | None:
    if name in POLICIES:
        return POLICIES[name]
    if name.startswith("admin:") and not GENERATED_ADMIN_URL.match(name):
        return None
    namespace = name.rsplit(":", 1)[0] + ":*" if ":" in name else None
    return POLICIES.get(namespace) if namespace else None


def test_every_url_has_an_access_policy() -> None:
    missing = sorted({name for name in _url_names() if _policy_for(name) is None})
    assert not missing, "URLs without an access policy in tests/access/: " + ", ".join(missing)


def test_no_policy_for_a_url_that_does_not_exist() -> None:
    names = set(_url_names())
    stale = sorted(name for name in POLICIES if not name.endswith(":*") and name not in names)
    assert not stale, f"policies for URLs that no longer exist: {stale}"


CHECKED = sorted(name for name, policy in POLICIES.items() if isinstance(policy, Policy))


@pytest.mark.parametrize("url_name", CHECKED)
@pytest.mark.django_db
def test_url_access(url_name: str, cast: object) -> None:
    policy = POLICIES[url_name]
    assert isinstance(policy, Policy)
    failures = []
    for role in ROLES:
        # Fresh objects for each role: a POST by one role must not change what the next sees.
        kwargs = policy.kwargs(cast) if policy.kwargs else {}
        url = reverse(url_name, kwargs=kwargs)
        client = Client()
        user = cast.user(role)  # type: ignore[attr-defined]
        if user is not None:
            client.force_login(user)
        data = policy.data(cast) if policy.data else {}
        response = getattr(client, policy.method)(url, data, headers=policy.headers)
        expected = policy.outcome_for(role)
        actual = _outcome(response, expected)
        if actual != expected:
            failures.append(f"{role}: expected {expected}, got {actual} ({url})")
    assert not failures, f"{url_name}:\n" + "\n".join(failures)


def _outcome(response: object, expected: object) -> object:
    status = response.status_code  # type: ignore[attr-defined]
    if status in (301, 302, 303):
        location = response["Location"]  # type: ignore[index]
        if location.startswith(reverse(settings.LOGIN_URL)) and expected != REDIRECT:
            return LOGIN
        return REDIRECT
    return status
