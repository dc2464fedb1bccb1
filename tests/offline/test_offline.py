"""Offline edition: zip contents, and everything working under file:// with no network."""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from helpers import click_palette_toggle, nav_pages, run_query

pytestmark = pytest.mark.browser

PAGES = nav_pages()
ALL_PAGES = PAGES + ["en/" + p for p in PAGES]
ONLINE_URL = "https://"  # any absolute link to a web host must be an external citation


def test_zip_has_one_top_folder_and_relative_paths(offline_zip):
    with zipfile.ZipFile(offline_zip) as archive:
        names = archive.namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"docker-basico-offline"}, tops
    assert not [n for n in names if n.startswith("/") or ".." in n.split("/")]
    for page in ALL_PAGES:
        assert f"docker-basico-offline/{page}" in names, f"{page} missing from the zip"
    assert "docker-basico-offline/search/search_index.js" in names
    assert "docker-basico-offline/en/search/search_index.js" in names


def test_zip_does_not_link_to_the_online_site(offline_root):
    site_url = "http://127.0.0.1:8000/"  # mkdocs.yml's default site_url
    for html in offline_root.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        # A link, a source or a meta value pointing at it; the same URL inside a code
        # sample (a container listening on port 8000) is text, not a link.
        assert not re.search(rf'(?:href|src|content)="{re.escape(site_url)}', text), \
            f"{html.name} links to the online site"
        assert not re.search(r'<link rel="(canonical|alternate)"', text), f"{html.name}: canonical/alternate link"
        for attr in re.findall(r'(?:src|href)="([^"]+)"', text):
            if attr.startswith(("http://", "https://")):
                # Only plain outbound links (citations), never something the page loads.
                assert not re.search(rf'<(script|link|img|iframe)[^>]+(src|href)="{re.escape(attr)}"', text), attr


def test_zip_size_budget(offline_zip):
    size = offline_zip.stat().st_size
    print(f"offline zip: {size / 1024:.0f} KiB")
    assert size <= 1.5 * 1024 * 1024, f"zip is {size} bytes (> 1.5 MB)"


@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_opens_from_file_without_network(file_page, offline_root, path):
    errors = []
    file_page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    file_page.on("pageerror", lambda e: errors.append(str(e)))
    file_page.goto((offline_root / path).as_uri(), wait_until="load")
    expect(file_page.locator("article h1")).to_be_visible()
    broken = file_page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert broken == [], f"{path}: images not loaded: {broken}"
    assert file_page.leaks == [], f"{path}: requests outside file://: {file_page.leaks}"
    assert errors == [], f"{path}: {errors}"


def switch_language(page, target_lang):
    page.locator(".md-header__option .md-select").hover()
    link = page.locator(f".md-select__link[hreflang='{target_lang}']")
    expect(link).to_be_visible()
    link.click()


@pytest.mark.parametrize("path", PAGES)
def test_language_switch_both_ways(file_page, offline_root, path):
    file_page.set_viewport_size({"width": 1280, "height": 900})
    file_page.goto((offline_root / path).as_uri())
    switch_language(file_page, "en")
    file_page.wait_for_url(re.compile(rf"/en/{re.escape(path)}$"))
    assert file_page.locator("html").get_attribute("lang") == "en"
    switch_language(file_page, "pt-BR")
    file_page.wait_for_url(re.compile(rf"docker-basico-offline/{re.escape(path)}$"))
    assert file_page.locator("html").get_attribute("lang") == "pt-BR"
    assert file_page.leaks == []


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("index.html", "namespaces", "conceitos.html"),
        # Memory limits are taught on both pages (cgroups and the OOM kill on
        # Conceitos, --memory on Containers); Dockerfiles on Imagens, Conceitos and
        # Dockerfile na prática.
        ("index.html", "memória", "container-basics.html conceitos.html"),
        ("index.html", "memoria", "container-basics.html conceitos.html"),
        ("docker-basics.html", "conteiner", ""),
        ("en/index.html", "namespaces", "conceitos.html"),
        ("en/docker-basics.html", "Dockerfile", "boas-praticas-dockerfile.html docker-basics.html conceitos.html"),
    ],
)
def test_search_under_file(file_page, offline_root, start, query, expected):
    file_page.set_viewport_size({"width": 1280, "height": 900})
    file_page.goto((offline_root / start).as_uri())
    links = run_query(file_page, query)
    assert links, f"{query!r}: no results"
    prefix = "en/" if start.startswith("en/") else ""
    if expected:
        pages = [link.split("#")[0] for link in links[:3]]
        assert any(prefix + page in pages for page in expected.split()), links[:3]
    assert all(link.startswith("en/") == bool(prefix) for link in links), f"results from the other language: {links}"
    assert file_page.leaks == []


def test_palette_toggle_under_file(file_page, offline_root):
    file_page.emulate_media(color_scheme="light")
    file_page.goto((offline_root / "index.html").as_uri())
    click_palette_toggle(file_page, 2)  # automatic -> light -> dark
    expect(file_page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert file_page.leaks == []


def test_copy_button_under_file(file_page, offline_root):
    file_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    file_page.set_viewport_size({"width": 1280, "height": 900})
    file_page.goto((offline_root / "container-basics.html").as_uri())
    block = file_page.locator("div.language-bash pre").first
    block.hover()
    expected = block.locator("code").inner_text().strip()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    assert file_page.evaluate("navigator.clipboard.readText()").strip() == expected
