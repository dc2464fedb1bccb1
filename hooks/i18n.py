"""English edition glue around mkdocs-static-i18n (which owns the multi-language build).

* Every Portuguese page needs an English counterpart (``page.en.md``), and every
  English page records ``source_hash``: the hash of the Portuguese source it
  translates (``make translations`` prints the current hashes). A missing
  translation or hash fails the build naming the file; a stale hash puts a
  visible "translation may be outdated" notice on the English page, and
  tests/i18n fails naming the page until the translation is brought up to date.
* The glossary tooltips of the page's language are appended through snippets
  (not on a page whose front matter says ``tooltips: false``).
* ``<html lang>`` says ``pt-BR`` (Material's pt-BR strings say ``pt``),
  ``hreflang`` alternates are absolute and include ``x-default``; on the 404
  pages, they and the language selector point at the two home pages.
* English pages point Material's JavaScript ``base`` at the English root, so
  they load ``en/search/search_index.json`` (written by hooks/search.py) and
  only find English pages.
* ``en/sitemap.xml`` exists (Material requests it from English pages).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.i18n")

TRANSLATED = "en"
ABBREVIATIONS = {"pt-BR": "abbreviations.md", "en": "abbreviations.en.md"}
OUTDATED_NOTICE = (
    '!!! warning "Translation may be outdated"\n'
    "    The Portuguese original of this page changed after this translation was last updated. "
    "Until it is brought up to date, the Portuguese version (language selector, top of the page) "
    "is the reference.\n\n"
)
_EN_SUFFIX = re.compile(r"\.en\.md$")


def source_hash(path: Path) -> str:
    """Short SHA-256 of a Portuguese page, as recorded in its translation's front matter."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def translation_problems(docs_dir: Path) -> list[str]:
    """Pages without a counterpart, in either direction."""
    problems = []
    for page in sorted(docs_dir.rglob("*.md")):
        rel = page.relative_to(docs_dir).as_posix()
        if _EN_SUFFIX.search(page.name):
            original = page.with_name(_EN_SUFFIX.sub(".md", page.name))
            if not original.exists():
                problems.append(f"docs/{rel}: tradução sem página original (no Portuguese page docs/{original.relative_to(docs_dir).as_posix()})")
        elif not page.with_name(page.name[:-3] + ".en.md").exists():
            problems.append(f"docs/{rel}: página sem tradução inglesa (missing English translation docs/{rel[:-3]}.en.md)")
    return problems


def on_pre_build(config):
    problems = translation_problems(Path(config["docs_dir"]))
    if problems:
        raise PluginError("\n".join(problems))


def _page_locale(page) -> str:
    return TRANSLATED if _EN_SUFFIX.search(page.file.src_uri) else "pt-BR"


def on_page_markdown(markdown, page, config, files):
    locale = _page_locale(page)
    if locale == TRANSLATED:
        docs_dir = Path(config["docs_dir"])
        original = docs_dir / _EN_SUFFIX.sub(".md", page.file.src_uri)
        recorded = str(page.meta.get("source_hash") or "").strip()
        if not recorded:
            raise PluginError(
                f"docs/{page.file.src_uri}: front matter sem 'source_hash' (missing 'source_hash' of "
                f"docs/{original.relative_to(docs_dir).as_posix()}; run `make translations`)"
            )
        if recorded != source_hash(original):
            log.info("docs/%s: translation may be outdated (source_hash %s)", page.file.src_uri, recorded)
            heading, sep, body = markdown.partition("\n")
            if heading.startswith("# "):
                markdown = heading + sep + "\n" + OUTDATED_NOTICE + body
            else:
                markdown = OUTDATED_NOTICE + markdown
    # `tooltips: false` in the front matter leaves a page without them (the home
    # page: its page-weight budget, tests/quality/test_lighthouse.py).
    if page.meta.get("tooltips") is False:
        return markdown
    return markdown + f'\n\n--8<-- "{ABBREVIATIONS[locale]}"\n'


_HTML_LANG = re.compile(r'<html lang="pt"')
_JS_BASE = re.compile(r'"base": "([^"]*)"')
_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">')


def on_post_page(output, page, config):
    output = _HTML_LANG.sub('<html lang="pt-BR"', output, count=1)
    if page.file.dest_uri.startswith(TRANSLATED + "/"):
        output = _JS_BASE.sub(lambda m: f'"base": "{m.group(1)}/{TRANSLATED}/"', output, count=1)
    base = page.canonical_url
    if not base:
        return output
    default_href = None

    def absolute(match):
        nonlocal default_href
        href = urljoin(base, match.group(1))
        if match.group(2).startswith("pt"):
            default_href = href
        return f'<link rel="alternate" href="{href}" hreflang="{match.group(2)}">'

    output = _ALTERNATE.sub(absolute, output)
    return _with_x_default(output, default_href) if default_href else output


def _with_x_default(output: str, href: str) -> str:
    """The x-default alternate, after the last hreflang alternate (if any)."""
    alternates = list(_ALTERNATE.finditer(output))
    if not alternates:
        return output
    end = alternates[-1].end()
    return output[:end] + f'\n    <link rel="alternate" href="{href}" hreflang="x-default">' + output[end:]


# mkdocs-static-i18n renders 404.html once per language, each time at the site
# root (the last language wins). Keep each rendering; on_post_build puts them
# in place: the Portuguese one at the root (what GitHub Pages serves), the
# English one under en/.
_not_found: dict[str, str] = {}


# The 404 page has no counterpart page in the other language: its language
# links (the selector and the hreflang alternates) would otherwise point at
# whichever page mkdocs-static-i18n rendered last. They point at each
# language's home page, absolute, with x-default, like every other page.
HOME_PAGES = {"pt-BR": "index.html", TRANSLATED: f"{TRANSLATED}/index.html"}
_LANGUAGE_LINK = re.compile(r'href="[^"]*" hreflang="(' + "|".join(map(re.escape, HOME_PAGES)) + ')"')


def _home_page_language_links(output: str, site_url: str) -> str:
    output = _LANGUAGE_LINK.sub(
        lambda m: f'href="{urljoin(site_url, HOME_PAGES[m.group(1)])}" hreflang="{m.group(1)}"', output)
    return _with_x_default(output, urljoin(site_url, HOME_PAGES["pt-BR"]))


def on_post_template(output, template_name, config):
    if template_name == "404.html":
        output = _HTML_LANG.sub('<html lang="pt-BR"', output, count=1)
        if config.get("site_url"):
            output = _home_page_language_links(output, config["site_url"])
        _not_found["en" if '<html lang="en"' in output else "pt-BR"] = output
    return output


@event_priority(-110)  # after mkdocs-static-i18n (-100) has built every language
def on_post_build(config):
    site = Path(config["site_dir"])
    edition = site / TRANSLATED
    if "pt-BR" in _not_found:
        (site / "404.html").write_text(_not_found["pt-BR"], encoding="utf-8")
    if TRANSLATED in _not_found and edition.is_dir():
        (edition / "404.html").write_text(_not_found[TRANSLATED], encoding="utf-8")
    if edition.is_dir() and (site / "sitemap.xml").exists():
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            if (site / name).exists():
                shutil.copy2(site / name, edition / name)
