"""Shared helpers for the test suite (no fixtures here; see conftest.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path("/usr/lib/chromium/chromium")


def require(condition: bool, what: str) -> None:
    """Skip locally when a tool is missing; under CI=true that is a failure."""
    if condition:
        return
    message = f"{what} is missing (run `make test`, which installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"tool '{name}'")
    return path


class _Loader(yaml.SafeLoader):
    """SafeLoader that tolerates mkdocs.yml's !ENV and !!python tags."""


def _env(loader, node):
    value = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
    return value[-1]


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_mkdocs_yml(path: Path = ROOT / "mkdocs.yml") -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def nav_files(nav) -> list[str]:
    """Flatten mkdocs.yml's nav into the list of Markdown files it names."""
    found: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found.extend(nav_files(value))
        elif isinstance(value, str) and value.endswith(".md"):
            found.append(value)
    return found


def nav_pages(config: dict | None = None) -> list[str]:
    """The nav's pages as built files (use_directory_urls: false): "docker-basics.html"."""
    config = config or load_mkdocs_yml()
    return [md.removesuffix(".md") + ".html" for md in nav_files(config["nav"])]


def language_prefixes(config: dict | None = None) -> list[str]:
    """Where each built language lives: "" for the default one, "en/" for English
    (mkdocs-static-i18n's suffix layout)."""
    config = config or load_mkdocs_yml()
    prefixes = [""]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            for lang in plugin["i18n"]["languages"]:
                if not lang.get("default") and lang.get("build", True):
                    prefixes.append(f"{lang['locale']}/")
    return prefixes


def built_pages(config: dict | None = None) -> list[str]:
    """Every nav page of every built language, as site-relative paths."""
    config = config or load_mkdocs_yml()
    return [prefix + page for prefix in language_prefixes(config) for page in nav_pages(config)]


def block_non_file_requests(context) -> list[str]:
    """Abort every request of a browser context that is not file://; returns the
    list the aborted URLs are recorded in."""
    leaks: list[str] = []

    def file_only(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            leaks.append(route.request.url)
            route.abort()

    context.route("**/*", file_only)
    return leaks


def source_pages() -> list[Path]:
    """Portuguese source pages (translations are `*.en.md`)."""
    return sorted(p for p in DOCS.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name))


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?\n)---\n", text, re.DOTALL)
    return yaml.safe_load(match.group(1)) if match else {}


def copy_project(dest: Path, parts) -> Path:
    """Copy the named top-level files and folders of the repository into ``dest``
    (a throwaway project for a build or a server that a test may change)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        else:
            shutil.copy2(source, dest / part)
    return dest


def mkdocs_build(project: Path, site_dir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a strict build of ``project`` into ``site_dir`` the way `make build` does; output is captured."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mkdocs_cli.py"), "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def click_palette_toggle(page, times: int = 1) -> None:
    """Click the color palette toggle ``times`` times (automatic -> light ->
    dark -> automatic). After each click, wait until Material has handled it:
    it shows the toggle that follows the selected option, in the same change
    handler that sets the page's colors, so the next click never lands on the
    toggle of the previous state."""
    for _ in range(times):
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        selected = toggle.get_attribute("for")
        toggle.click()
        expect(page.locator(f"#{selected}")).to_be_checked()
        expect(page.locator(f"#{selected} + label")).to_be_visible()


# Resolves when every finite CSS transition and animation of the page has
# finished (a cancelled one counts as finished); infinite ones are left out.
_ANIMATIONS_DONE = """() => Promise.all(document.getAnimations()
  .filter(a => isFinite(a.effect.getComputedTiming().endTime))
  .map(a => a.finished.catch(() => null)))"""


def wait_for_animations(page) -> None:
    """Wait until what is sliding or fading in (the drawer, a tooltip) has
    arrived: checks such as axe's color contrast read the page as it is drawn,
    half-transparent halfway through a fade."""
    page.evaluate(_ANIMATIONS_DONE)


# Upper bounds for what a loaded machine (parallel workers, a busy CI runner)
# may take; a passing test never waits for them.
SEARCH_READY_TIMEOUT = 30_000  # the worker downloads and indexes the search index
RESULTS_TIMEOUT = 20_000


def wait_for_search_ready(page) -> None:
    """Open the search box and wait until Material's search worker is ready:
    typing earlier loses the query."""
    config = json.loads(page.locator("#__config").text_content())
    page.locator("input.md-search__input").click()
    expect(page.locator(".md-search-result__meta")).to_have_text(
        config["translations"]["search.result.placeholder"], timeout=SEARCH_READY_TIMEOUT
    )


def run_query(page, query: str) -> list[str]:
    """Type ``query`` into Material's search box; return result links as
    'page.html#anchor' (site-relative, language prefix kept), best first.

    Material searches on keyup with the input's whole value, and shows the
    answer of the last query it got. Typing key by key sends every prefix
    ("d", "do"…), and the results of a prefix can be on screen when the test
    reads them. So the box gets the whole query first and one keyup after it:
    the only query sent is the whole one, and the first results shown are its
    results (Material renders the first ten at once). A box that still holds
    an earlier query is emptied first, and its results are gone before the
    new query is typed."""
    box = page.locator("input.md-search__input")
    if box.is_visible() and box.input_value():
        # A tab reused from an earlier query: empty the box; Material then
        # clears the results and shows its placeholder (awaited just below).
        box.fill("")
        box.press("End")
    wait_for_search_ready(page)
    box.fill(query)
    box.press("End")  # the one keyup: Material reads the value and searches
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=RESULTS_TIMEOUT)
    hrefs = page.locator("a.md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        url = urlparse(href)
        out.append(url.path.split("docker-basico-offline/")[-1].lstrip("/") + (f"#{url.fragment}" if url.fragment else ""))
    return out
