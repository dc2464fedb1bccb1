"""Search fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def search_page(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


# The hit rate per transport (RESULTS) is printed by tests/conftest.py, which
# adds up what every xdist worker measured.
