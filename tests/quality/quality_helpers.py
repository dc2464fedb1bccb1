"""Pages, color schemes and viewports the quality tests cover (imported by the tests)."""

from __future__ import annotations

from helpers import built_pages, language_prefixes

PREFIXES = language_prefixes()
# Every page of every language (nav pages), and the same plus each language's 404 page.
PAGES = built_pages()
PAGES_WITH_404 = PAGES + [prefix + "404.html" for prefix in PREFIXES]
HOME_PAGES = [prefix + "index.html" for prefix in PREFIXES]

SCHEMES = {"light": "default", "dark": "slate"}  # emulated system scheme -> Material scheme
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True},
}

# Lighthouse rows measured in this session, by page (printed in the summary).
LIGHTHOUSE_ROWS: dict[str, dict] = {}
