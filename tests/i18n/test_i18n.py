"""English edition: counterparts, freshness, lang/hreflang/sitemap, switcher, English UI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from helpers import DOCS, ROOT, mkdocs_build, nav_pages, source_pages

PAGES = nav_pages()


def test_every_page_has_an_up_to_date_translation():
    """Fails naming each page whose English translation is missing or outdated."""
    result = subprocess.run([sys.executable, "scripts/translations.py"], cwd=ROOT, capture_output=True, text=True)
    problems = [line for line in result.stdout.splitlines() if not line.startswith("ok")]
    assert result.returncode == 0 and not problems, "\n".join(problems)


def test_translations_cover_every_source_page():
    for page in source_pages():
        assert page.with_name(page.name[:-3] + ".en.md").exists(), page


def hreflang_alternates(html: str) -> dict[str, str]:
    """{hreflang: href} of the page's <link rel="alternate"> tags."""
    return {lang: href for href, lang in re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', html)}


@pytest.mark.parametrize("path", PAGES)
def test_html_lang_hreflang_and_canonical(site_dir, site_url, path):
    for lang, prefix in (("pt-BR", ""), ("en", "en/")):
        html = (site_dir / prefix / path).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html, f"{prefix}{path}: html lang"
        assert f'<link rel="canonical" href="{site_url}{prefix}{path}">' in html
        alternates = hreflang_alternates(html)
        assert alternates == {
            "pt-BR": f"{site_url}{path}",
            "en": f"{site_url}en/{path}",
            "x-default": f"{site_url}{path}",
        }, f"{prefix}{path}: {alternates}"


def test_sitemaps_cover_both_languages(site_dir, site_url):
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    for path in PAGES:
        assert f"<loc>{site_url}{path}</loc>" in sitemap
        assert f"<loc>{site_url}en/{path}</loc>" in sitemap
    assert (site_dir / "en" / "sitemap.xml").read_text(encoding="utf-8") == sitemap


def test_localized_404_pages(site_dir):
    pt = (site_dir / "404.html").read_text(encoding="utf-8")
    en = (site_dir / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="pt-BR"' in pt and "Página não encontrada" in pt
    assert '<html lang="en"' in en and "Page not found" in en


@pytest.mark.parametrize("path", ["404.html", "en/404.html"])
def test_404_language_links_point_at_the_home_pages(site_dir, site_url, path):
    # Without hooks/i18n.py's fix they pointed at the last page rendered.
    html = (site_dir / path).read_text(encoding="utf-8")
    homes = {"pt-BR": f"{site_url}index.html", "en": f"{site_url}en/index.html"}
    alternates = hreflang_alternates(html)
    assert alternates == {**homes, "x-default": homes["pt-BR"]}, f"{path}: {alternates}"
    selector = dict((h, u) for u, h in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" class="md-select__link">', html))
    assert selector == homes, f"{path}: language selector {selector}"


@pytest.fixture
def project(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    for part in ("mkdocs.yml", "docs", "overrides", "hooks", "includes", "tools", "scripts"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("node_modules"))
        else:
            shutil.copy2(source, copy / part)
    return copy


def test_missing_translation_fails_the_build_naming_the_page(project, tmp_path):
    (project / "docs" / "glossario.en.md").unlink()
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/glossario.md" in result.stdout + result.stderr


def test_missing_source_hash_fails_the_build(project, tmp_path):
    page = project / "docs" / "glossario.en.md"
    page.write_text(re.sub(r"^source_hash:.*\n", "", page.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/glossario.en.md" in result.stdout + result.stderr and "source_hash" in result.stdout + result.stderr


def test_outdated_translation_shows_a_notice(project, tmp_path):
    original = project / "docs" / "glossario.md"
    original.write_text(original.read_text(encoding="utf-8") + "\nUma frase nova.\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "glossario.en.md: translation may be outdated" in result.stderr
    english = (tmp_path / "site" / "en" / "glossario.html").read_text(encoding="utf-8")
    assert "Translation may be outdated" in english
    up_to_date = (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Translation may be outdated" not in up_to_date
    status = subprocess.run([sys.executable, str(project / "scripts" / "translations.py")],
                            capture_output=True, text=True, cwd=project)
    assert status.returncode == 1
    assert "OUTDATED  docs/glossario.en.md" in status.stdout


# --- In the browser ----------------------------------------------------------


def switch_language(page, hreflang):
    page.locator(".md-header__option .md-select").hover()
    link = page.locator(f".md-select__link[hreflang='{hreflang}']")
    expect(link).to_be_visible()
    link.click()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_switcher_leads_to_the_same_page_both_ways(page, server, path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + path)
    switch_language(page, "en")
    page.wait_for_url(server + "en/" + path)
    switch_language(page, "pt-BR")
    page.wait_for_url(server + path)


@pytest.mark.browser
def test_english_pages_render_english_ui(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "en/container-basics.html")
    assert page.locator("input.md-search__input").get_attribute("placeholder") == "Search"
    assert page.locator("a.md-content__button").first.get_attribute("title") == "Edit this page"
    nav = page.locator(".md-nav--primary").inner_text()
    for title in ("Home", "Images", "Quick reference", "Glossary"):
        assert title in nav, f"nav lacks {title!r}"
    assert "Glossário" not in nav
    assert "Download the offline edition" in page.locator("footer").inner_text()
