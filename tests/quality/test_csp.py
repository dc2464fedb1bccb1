"""Content-Security-Policy (hooks/csp.py) and a clean console on every page.

Static checks read the built HTML: one policy per page, before anything it
governs, no 'unsafe-inline' for scripts, every inline script allowed by its
hash, nothing inline that the policy would block.

Browser checks open every page of both languages over http (the test server)
and over file:// (the unzipped offline edition, where search runs through the
iframe-worker shim), use it (search with results, glossary tooltip, every
palette state: light, dark and automatic, so both color schemes) and require
zero CSP violations and no console error or warning, page error or failed
request -- issue 8, items 5 and 6. Each page starts in the light scheme here;
its load in the dark scheme (and at phone width) is watched the same way by
tests/quality/test_axe.py, which loads every page in every scheme and viewport.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys

import pytest
from playwright.sync_api import expect

from helpers import RESULTS_TIMEOUT, ROOT, block_non_file_requests, click_palette_toggle, wait_for_search_ready
from quality_helpers import PAGES, PAGES_WITH_404

sys.path.insert(0, str(ROOT / "hooks"))
import csp  # noqa: E402  (hooks/csp.py: the parser that finds markup the policy blocks)

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)

# Records violations in every document the page creates (Material's and the
# shim's iframe); console messages catch the ones whose listeners
# document.open() removed.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const entry = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`;
  try { (window.top.__csp || window.__csp).push(entry) } catch (_) { window.__csp.push(entry) }
});
"""


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def check_static(html: str, name: str) -> None:
    policies = META.findall(html)
    assert len(policies) == 1, f"{name}: {len(policies)} CSP meta tags"
    meta_at = html.index('http-equiv="Content-Security-Policy"')
    for governed in ("<script", "<link", "<style", "<img", "<iframe"):
        first = html.find(governed)
        assert first == -1 or first > meta_at, f"{name}: {governed} comes before the CSP meta tag"
    policy = directives(policies[0])
    script_src = policy["script-src"]
    assert "'self'" in script_src, f"{name}: script-src lacks 'self'"
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert loose not in script_src, f"{name}: script-src allows {loose}"
    assert "'unsafe-inline'" not in policy["style-src"], f"{name}: style-src allows 'unsafe-inline'"
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], f"{name}: {policy}"
    for attrs, body in SCRIPT.findall(html):
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        assert sha256(body) in script_src, f"{name}: inline script not allowed by hash: {body[:80]!r}"
    # Event handlers, style attributes, <style>: the policy would block them.
    assert csp.blocked_markup(html, quick=False) == [], f"{name}: markup the policy blocks"


@pytest.mark.parametrize("path", PAGES_WITH_404)
def test_policy_in_built_page(site_dir, path):
    check_static((site_dir / path).read_text(encoding="utf-8"), path)


@pytest.mark.parametrize("path", PAGES)
def test_policy_in_offline_page(offline_root, path):
    check_static((offline_root / path).read_text(encoding="utf-8"), f"offline {path}")


# --- In a real browser ----------------------------------------------------------


class Watch:
    """CSP violations and console/page/network errors of one page."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.schemes: list[str] = []  # Material's color schemes shown while in use (use_page)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []")


SCHEME = "document.body.getAttribute('data-md-color-scheme')"


def use_page(page) -> list[str]:
    """What a reader does: search (the worker, or the shim's iframe, runs),
    a glossary tooltip, every palette state."""
    wait_for_search_ready(page)
    box = page.locator("input.md-search__input")
    box.press_sequentially("docker", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=RESULTS_TIMEOUT)
    page.keyboard.press("Escape")
    abbr = page.locator("article abbr[title]")
    if abbr.count():
        abbr.first.scroll_into_view_if_needed()
        abbr.first.hover()
    # automatic -> light -> dark -> automatic: the schemes each state shows.
    schemes = [page.evaluate(SCHEME)]
    for _ in range(3):
        click_palette_toggle(page)
        schemes.append(page.evaluate(SCHEME))
    # No sleep: what the last click set off in the page (the new colors, the
    # next frames) has run, and its console messages and CSP reports have
    # reached the test, once this round trip through two frames returns.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done))))")
    return schemes


def open_and_use(context, url: str) -> Watch:
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    watch = Watch(page)
    page.goto(url, wait_until="load")
    watch.schemes = use_page(page)
    return watch


def assert_both_schemes_used(watch: Watch, path: str) -> None:
    """The palette cycle went through Material's light and dark schemes."""
    assert {"default", "slate"} <= set(watch.schemes), f"{path}: schemes shown while in use: {watch.schemes}"


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES_WITH_404)
def test_online_page_runs_clean(new_context, server, path):
    watch = open_and_use(new_context("desktop", "light"), server + path)
    assert watch.csp_violations() == [], f"{path}: CSP violations"
    assert watch.problems == [], f"{path}: {watch.problems}"
    assert_both_schemes_used(watch, path)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_offline_page_runs_clean(new_context, offline_root, path):
    context = new_context("desktop", "light")
    leaks = block_non_file_requests(context)
    watch = open_and_use(context, (offline_root / path).as_uri())
    assert watch.csp_violations() == [], f"offline {path}: CSP violations"
    assert leaks == [], f"offline {path}: requests outside file://: {leaks}"
    assert watch.problems == [], f"offline {path}: {watch.problems}"
    assert_both_schemes_used(watch, f"offline {path}")
