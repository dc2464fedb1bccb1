"""The site in a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from helpers import load_mkdocs_yml, nav_files, click_palette_toggle, run_query

pytestmark = pytest.mark.browser

PAGES = nav_files(load_mkdocs_yml()["nav"])


def page_path(md: str) -> str:
    return md.removesuffix(".md") + ".html"


@pytest.mark.parametrize("md", PAGES)
def test_page_renders_without_errors_or_foreign_requests(page, recorder, server, md):
    response = page.goto(server + page_path(md), wait_until="networkidle")
    assert response is not None and response.ok
    expect(page.locator("article h1")).to_be_visible()
    assert page.locator("article").inner_text().strip(), f"{md}: empty article"
    # Images (diagrams, logo) actually loaded.
    broken = page.evaluate(
        "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == [], f"{md}: images that did not load: {broken}"
    assert recorder.foreign() == [], f"{md}: requests leaving 127.0.0.1: {recorder.foreign()}"
    assert recorder.errors == [], f"{md}: " + "\n".join(recorder.errors)


def test_navigation_between_pages(page, recorder, server):
    page.goto(server, wait_until="networkidle")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".md-nav--primary a.md-nav__link[href$='container-basics.html']").first.click()
    page.wait_for_url("**/container-basics.html")
    expect(page.locator("article h1")).to_contain_text("Containers")
    # Footer "next" link leads on to the following page.
    next_link = page.locator("a.md-footer__link--next")
    expect(next_link).to_be_visible()
    next_link.click()
    page.wait_for_url("**/redes.html")  # the nav's next page after Containers
    assert recorder.errors == []


@pytest.mark.parametrize(
    ("query", "expected_path"),
    [
        ("namespaces", "/conceitos.html"),
        ("Dockerfile", "/boas-praticas-dockerfile.html"),  # the page about writing Dockerfiles
        ("docker-machine", "/docker-machine-basics.html"),
    ],
)
def test_portuguese_search_finds_expected_page(page, server, query, expected_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "container-basics.html", wait_until="networkidle")
    run_query(page, query)  # only the whole query is searched (see helpers.py)
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href)")
    paths = [urlparse(h).path for h in hrefs[:3]]
    assert expected_path in paths, f"{query!r}: {expected_path} not in top 3 {paths}"


def current_scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def root_color_scheme(page) -> str:
    """The root element's color scheme (the page's scrollbar): extra.css sets it, since
    overrides/main.html keeps Material's <meta name="color-scheme"> out (issue 17)."""
    return page.evaluate("getComputedStyle(document.documentElement).colorScheme")


def test_palette_toggle_switches_and_persists(page, server):
    page.emulate_media(color_scheme="light")
    page.goto(server, wait_until="networkidle")
    # First palette entry follows the system; with a light system it renders "default".
    assert current_scheme(page) == "default"
    assert root_color_scheme(page) != "dark"
    # hooks/startup.py writes <body data-md-color-switching> (transitions off); Material's
    # palette takes it off once mounted, or transitions would stay off for good.
    expect(page.locator("body")).not_to_have_attribute("data-md-color-switching", "")
    click_palette_toggle(page, 2)  # automatic -> light -> dark
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert root_color_scheme(page) == "dark"
    page.goto(server + "docker-basics.html", wait_until="networkidle")
    assert current_scheme(page) == "slate", "dark scheme did not persist across pages"
    assert root_color_scheme(page) == "dark"
    expect(page.locator("body")).not_to_have_attribute("data-md-color-switching", "")


def test_code_blocks_mounted_on_scroll_have_no_unnamed_nav(page, server):
    """With content.lazy (mkdocs.yml), Material adds each code block's <nav> around its
    copy button when the block first comes into view; a11y.js must give those role=none
    too (axe landmark-unique), not only the ones there at start-up."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "docker-basics.html", wait_until="networkidle")
    blocks = page.locator("article .highlight pre")
    last = blocks.nth(blocks.count() - 1)
    assert last.locator("nav.md-code__nav").count() == 0, "the last block was mounted before it came into view"
    last.scroll_into_view_if_needed()
    expect(last.locator("nav.md-code__nav button.md-code__button")).to_be_attached()
    navs = page.locator("nav.md-code__nav")
    assert navs.count() >= 2
    assert navs.evaluate_all("ns => ns.filter(n => n.getAttribute('role') !== 'none').length") == 0


def test_copy_button_copies_a_command(page, context, server):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "container-basics.html", wait_until="networkidle")
    block = page.locator("div.language-bash pre").first
    block.hover()
    expected = block.locator("code").inner_text().strip()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected
    assert "docker" in copied
