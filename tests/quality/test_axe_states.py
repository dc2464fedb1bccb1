"""Accessibility in the states a reader opens, not only at rest (issue 17).

``test_axe.py`` runs axe on every page as it loads. Here a page is first put
in a state a reader reaches, the state is checked to be really on screen, and
then axe runs on the whole page:

- the phone navigation drawer open (on the current section's level);
- the search open and empty (the "type to start searching" line);
- the search with results (highlighted words in titles and code excerpts);
- the language menu open;
- a glossary tooltip shown;
- a link in running text hovered (desktop only: a phone has no pointer).

Each state in the light and dark schemes, at desktop and phone width, on a
content page of each language. The drawer exists only below Material's
76.25em breakpoint: at desktop width the navigation is the always-visible
sidebar, which ``test_axe.py`` already covers, so the drawer runs on phones.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from helpers import SEARCH_READY_TIMEOUT, run_query, wait_for_animations
from quality_helpers import PREFIXES, SCHEMES, VIEWPORTS
from test_axe import describe

pytestmark = pytest.mark.browser

_AXE = Axe()
# A page inside a nav section (the drawer opens on that section's level),
# with glossary abbreviations and code blocks; the shortest such page (about
# 1,300 elements against conceitos' 1,800): axe's color-contrast rule, most of
# each run, costs in proportion to the page's elements.
PAGE = "redes.html"
# Found in page titles and in code excerpts of both languages.
QUERY = "busybox echo"


def open_search(page, viewport: str) -> None:
    if viewport == "phone":  # the header's search icon; the box is hidden
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator("input.md-search__input").click()
    config = page.evaluate("JSON.parse(document.getElementById('__config').textContent)")
    expect(page.locator(".md-search-result__meta")).to_have_text(
        config["translations"]["search.result.placeholder"], timeout=SEARCH_READY_TIMEOUT
    )


def drawer(page, viewport):
    page.locator("label.md-header__button[for=__drawer]").click()
    # The current section's level, with its title (.md-nav__title).
    expect(page.locator(".md-nav--primary .md-nav__title[for]").first).to_be_visible()
    wait_for_animations(page)  # the drawer slides in (0.25 s)


def search_empty(page, viewport):
    open_search(page, viewport)


def search_results(page, viewport):
    open_search(page, viewport)
    assert run_query(page, QUERY), f"no results for {QUERY!r}"
    expect(page.locator(".md-search-result mark").first).to_be_visible()
    expect(page.locator(".md-search-result pre > code").first).to_be_visible()


def language_menu(page, viewport):
    select = page.locator(".md-header__option .md-select")
    if viewport == "phone":  # no hover on a touch screen: the button takes focus
        select.locator("button").focus()
    else:
        select.hover()
    expect(select.locator(".md-select__list")).to_be_visible()


# A term outside a link: tapping one inside a link follows the link.
TERM = "article :not(a) > abbr"


def tooltip(page, viewport):
    abbr = page.locator(TERM).first
    abbr.scroll_into_view_if_needed()
    if viewport == "phone":
        abbr.tap()
    else:
        abbr.hover()
    expect(page.locator(".md-tooltip2--active")).to_be_visible()
    wait_for_animations(page)  # the tooltip fades in


ACCENT = """() => {
  const probe = document.createElement("i");
  probe.style.color = "var(--md-accent-fg-color)";
  document.querySelector("article").append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}"""


def link_hover(page, viewport):
    """A link in running text under the pointer, with a glossary term inside
    it: Material paints both in the accent color."""
    link = page.locator("article p a:has(abbr)").first
    link.scroll_into_view_if_needed()
    link.hover()
    expect(link).to_have_css("color", page.evaluate(ACCENT))  # the hover color is on
    wait_for_animations(page)


STATES = {
    "drawer": drawer,
    "search-empty": search_empty,
    "search-results": search_results,
    "language-menu": language_menu,
    "tooltip": tooltip,
    "link-hover": link_hover,
}
CASES = [
    pytest.param(state, viewport, id=f"{state}-{viewport}")
    for state in STATES
    for viewport in VIEWPORTS
    if not (state == "drawer" and viewport == "desktop")
    and not (state == "link-hover" and viewport == "phone")
]


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize(("state", "viewport"), CASES)
@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_axe_violations_in_state(new_context, server, prefix, state, viewport, scheme):
    page = new_context(viewport, scheme).new_page()
    page.goto(server + prefix + PAGE, wait_until="load")
    page.wait_for_function("typeof document$ !== 'undefined'")  # Material's bundle ran
    STATES[state](page, viewport)
    violations = _AXE.run(page).response["violations"]
    assert violations == [], f"{prefix}{PAGE} {state} ({scheme}, {viewport}):\n{describe(violations)}"


def test_tooltip_moves_into_main_and_goes_away(new_context, server):
    """The tooltip fix keeps Material's behaviour: shown by the term, removed
    when the pointer leaves."""
    page = new_context("desktop", "light").new_page()
    page.goto(server + PAGE, wait_until="load")
    page.wait_for_function("typeof document$ !== 'undefined'")
    abbr = page.locator(TERM).first
    abbr.scroll_into_view_if_needed()
    abbr.hover()
    tip = page.locator("main .md-tooltip2--active .md-tooltip2__inner")
    expect(tip).to_be_visible()
    term, box = abbr.bounding_box(), tip.bounding_box()
    assert 0 <= box["y"] - (term["y"] + term["height"]) <= 40, f"tooltip at {box}, term at {term}"
    assert box["x"] <= term["x"] + term["width"] and box["x"] + box["width"] >= term["x"], f"tooltip at {box}, term at {term}"
    page.mouse.move(0, 0)
    expect(page.locator(".md-tooltip2")).to_have_count(0)
