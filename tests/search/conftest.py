"""Search fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def search_page(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


@pytest.fixture(scope="module")
def search_tab(browser):
    """One desktop tab per worker, reused from row to row.

    Opening a page and waiting for the search worker to index the site is most
    of a row's time, and most rows start on the same page: a row goes to its
    start page only when the tab is elsewhere, and run_query (tests/helpers.py)
    empties the box and waits for Material to show its placeholder again before
    it types, so no result of the previous row can be read as this row's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


# The hit rate per transport (RESULTS) is printed by tests/conftest.py, which
# adds up what every xdist worker measured.
