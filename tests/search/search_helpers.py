"""Search in a real browser: type like a person, read the results; the hit-rate tally."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from playwright.sync_api import expect


def run_query(page, query: str) -> list[str]:
    """Type ``query`` into Material's search box; return result links as
    'page.html#anchor' (site-relative, language prefix kept), best first."""
    config = json.loads(page.locator("#__config").text_content())
    box = page.locator("input.md-search__input")
    box.click()
    expect(page.locator(".md-search-result__meta")).to_have_text(
        config["translations"]["search.result.placeholder"], timeout=15_000
    )
    box.press_sequentially(query, delay=15)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    # Results of a partial query ("docker b") can be on screen before those of
    # the whole query: read until two reads 300 ms apart agree.
    read = 'els => els.map(e => e.href)'
    hrefs = page.locator("a.md-search-result__link").evaluate_all(read)
    for _ in range(30):
        page.wait_for_timeout(300)
        again = page.locator("a.md-search-result__link").evaluate_all(read)
        if again == hrefs:
            break
        hrefs = again
    out = []
    for href in hrefs:
        url = urlparse(href)
        out.append(url.path.split("docker-basico-offline/")[-1].lstrip("/") + (f"#{url.fragment}" if url.fragment else ""))
    return out



# transport ("http" / "file") -> one bool per query row, for the summary line.
RESULTS: dict[str, list[bool]] = {}
