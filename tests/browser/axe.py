"""axe-core accessibility check for browser tests (axe taken from the axe-playwright-python
package on PyPI, injected through the DevTools protocol so our strict CSP still holds)."""

from functools import cache
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return result["violations"]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe-core violations on {page.url}:\n{summary}"
