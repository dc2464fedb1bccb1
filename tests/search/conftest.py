"""Search fixtures and the hit-rate summary line."""

from __future__ import annotations

import pytest

from search_helpers import RESULTS


@pytest.fixture
def search_page(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page



def pytest_terminal_summary(terminalreporter):
    """Print the search hit rate per transport (http, file://)."""
    for transport, outcomes in sorted(RESULTS.items()):
        if outcomes:
            rate = 100 * sum(outcomes) / len(outcomes)
            terminalreporter.write_line(
                f"search hit rate ({transport}): {sum(outcomes)}/{len(outcomes)} queries = {rate:.0f}% in top 3"
            )
