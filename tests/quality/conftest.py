"""Quality budgets measured by real clients (issue 8): shared pages and browser setups.

Every test here runs against the strict build of the repository (the root
conftest's ``site_dir``/``server``) or the unzipped offline edition
(``offline_root``); Lighthouse builds and serves its own copy with gzip.
"""

from __future__ import annotations

import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from quality_helpers import VIEWPORTS  # noqa: E402


@pytest.fixture
def new_context(browser):
    """Contexts with a given viewport and emulated color scheme, closed after the test.

    The palette's first entry follows the system setting, so the emulated
    ``prefers-color-scheme`` picks Material's light or dark scheme."""
    contexts = []

    def make(viewport: str = "desktop", scheme: str = "light", **extra):
        context = browser.new_context(
            **VIEWPORTS[viewport], color_scheme=scheme, locale="pt-BR", service_workers="block", **extra
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


# The Lighthouse table of the run (quality_helpers.LIGHTHOUSE_ROWS, what
# ``make bench`` prints) is printed by tests/conftest.py, which merges the
# rows of every xdist worker.
