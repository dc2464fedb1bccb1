"""Every page at rest: axe-core reports no violations, and the page loaded clean.

Every page of both languages (404 pages included), light and dark schemes
(emulated system setting, which the palette's first entry follows), desktop
(1280 px) and phone (390x844) viewports. axe runs with its default rule set
(WCAG 2.x A/AA plus best practices) on the page as loaded, after Material's
JavaScript has rendered it, under the site's Content-Security-Policy.

The same load is watched as tests/quality/test_csp.py watches a page in use: no
CSP violation, console error or warning, page error, failed request or HTTP
error while it loads, in every scheme and viewport. (test_csp.py then uses each
page once -- search, tooltip, every palette state, so both schemes -- instead of
loading every page again per scheme: one page load per state checked.)
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from quality_helpers import PAGES_WITH_404, SCHEMES, VIEWPORTS
from test_csp import RECORD_VIOLATIONS, Watch

pytestmark = pytest.mark.browser

_AXE = Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -- {len(violation['nodes'])} node(s)")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("path", PAGES_WITH_404)
def test_no_axe_violations(new_context, server, path, scheme, viewport):
    context = new_context(viewport, scheme)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    watch = Watch(page)
    page.goto(server + path, wait_until="load")
    page.wait_for_function("typeof document$ !== 'undefined'")  # Material's bundle ran
    rendered = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert rendered == SCHEMES[scheme], f"{path}: expected the {SCHEMES[scheme]} scheme, got {rendered}"
    violations = _AXE.run(page).response["violations"]
    assert violations == [], f"{path} ({scheme}, {viewport}):\n{describe(violations)}"
    assert watch.csp_violations() == [], f"{path} ({scheme}, {viewport}): CSP violations"
    assert watch.problems == [], f"{path} ({scheme}, {viewport}): {watch.problems}"
