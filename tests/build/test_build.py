"""The strict build: zero warnings, every page in nav, metadata, no third-party hosts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import DOCS, front_matter, load_mkdocs_yml, nav_files, source_pages


def test_strict_build_has_no_warnings(build):
    result, _ = build
    log = result.stdout + result.stderr
    problems = [line for line in log.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)]
    assert problems == [], "build log has warnings:\n" + "\n".join(problems)


def test_every_markdown_file_is_in_nav_and_built(site_dir):
    nav = set(nav_files(load_mkdocs_yml()["nav"]))
    pages = {p.relative_to(DOCS).as_posix() for p in source_pages()}
    assert pages, "no Markdown pages found under docs/"
    assert pages - nav == set(), f"pages missing from nav: {sorted(pages - nav)}"
    assert nav - pages == set(), f"nav names missing files: {sorted(nav - pages)}"
    for page in pages:
        out = page.removesuffix(".md") + ".html"
        assert (site_dir / out).is_file(), f"{page} produced no {out}"


class PageFacts(HTMLParser):
    """Collects what the checks below need from one HTML page."""

    # (tag, attribute) pairs that make the browser fetch something.
    FETCHING = {
        ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"),
        ("iframe", "src"), ("source", "src"), ("source", "srcset"), ("video", "src"),
        ("audio", "src"), ("embed", "src"), ("object", "data"), ("image", "href"),
    }
    # <link rel> values that do not fetch (or only name a page for humans/crawlers).
    NON_FETCHING_REL = {"canonical", "alternate", "prev", "next", "author", "license"}

    def __init__(self):
        super().__init__()
        self.lang = None
        self.title = None
        self.description = None
        self.fetched: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "title":
            self._in_title = True
            self.title = ""
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        if tag == "link" and set((attrs.get("rel") or "").split()) <= self.NON_FETCHING_REL:
            return
        for attr in ("src", "href", "srcset", "data"):
            if (tag, attr) in self.FETCHING and attrs.get(attr):
                self.fetched.extend(u.strip().split(" ")[0] for u in attrs[attr].split(","))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(path: Path) -> PageFacts:
    facts = PageFacts()
    facts.feed(path.read_text(encoding="utf-8"))
    return facts


def all_html(site_dir: Path) -> list[Path]:
    pages = sorted(site_dir.rglob("*.html"))
    assert pages, "the build produced no HTML"
    return pages


def test_every_page_has_lang_title_and_description(site_dir):
    for page in all_html(site_dir):
        facts = parse(page)
        name = page.relative_to(site_dir)
        assert facts.lang, f"{name}: <html> without lang"
        assert facts.title and facts.title.strip(), f"{name}: empty <title>"
        assert facts.description and len(facts.description) >= 40, f"{name}: missing meta description"


def test_page_description_comes_from_front_matter(site_dir):
    for source in source_pages():
        meta = front_matter(source)
        rel = source.relative_to(DOCS).as_posix()
        out = rel.removesuffix(".md") + ".html"
        facts = parse(site_dir / out)
        assert facts.description == meta["description"], f"{rel}: meta description differs from front matter"
        assert facts.title.startswith(meta["title"]), f"{rel}: <title> does not start with the front matter title"


FETCHING_IN_CSS = re.compile(r"(?:url\(|@import\s+)['\"]?(https?:)?//", re.IGNORECASE)


def test_no_page_loads_anything_from_another_host(site_dir):
    offenders = []
    for page in all_html(site_dir):
        text = page.read_text(encoding="utf-8")
        for url in parse(page).fetched:
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https") or url.startswith("//"):
                offenders.append(f"{page.relative_to(site_dir)}: {url}")
        if re.search(r"rel=\"?(?:preconnect|dns-prefetch)", text):
            offenders.append(f"{page.relative_to(site_dir)}: preconnect/dns-prefetch hint")
    for css in site_dir.rglob("*.css"):
        if FETCHING_IN_CSS.search(css.read_text(encoding="utf-8")):
            offenders.append(f"{css.relative_to(site_dir)}: url() to another host")
    assert offenders == [], "third-party requests:\n" + "\n".join(offenders)


def test_search_dialog_has_an_accessible_name(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r'role="dialog" aria-label="[^"]+"', html)


def test_portuguese_404_page(site_dir):
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    assert "Página não encontrada" in html
    assert 'lang="pt-BR"' in html


def test_open_graph_tags(site_dir):
    html = (site_dir / "docker-basics.html").read_text(encoding="utf-8")
    for prop in ("og:title", "og:description", "og:type", "og:site_name", "og:url"):
        assert f'property="{prop}"' in html, prop


EDIT_BASE = "https://github.com/docker-basico/docker-basico/edit/main/docs/"  # mkdocs.yml default


@pytest.mark.parametrize("lang", ["pt-BR", "en"])
def test_edit_link_and_last_updated_on_every_page(site_dir, lang):
    """'Editar esta página' opens the page's own source; the date comes from git."""
    import datetime
    import subprocess

    from babel.dates import format_date

    for source in source_pages():
        rel = source.relative_to(DOCS).as_posix()
        src = rel if lang == "pt-BR" else rel.removesuffix(".md") + ".en.md"
        out = site_dir / ("" if lang == "pt-BR" else "en") / (rel.removesuffix(".md") + ".html")
        html = out.read_text(encoding="utf-8")
        assert f'<a href="{EDIT_BASE}{src}" title="{"Editar esta página" if lang == "pt-BR" else "Edit this page"}"' in html, src
        committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", f"docs/{src}"], cwd=DOCS.parent,
                                   capture_output=True, text=True).stdout.strip()
        day = datetime.date.fromisoformat(committed) if committed else datetime.date.today()
        expected = format_date(day, format="long", locale="pt_BR" if lang == "pt-BR" else "en")
        assert re.search(r'class="md-source-file".*?' + re.escape(expected), html, re.S), f"{src}: no '{expected}'"


# --- Content-Security-Policy: only the theme's scripts, never content's ------------

import base64  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, str(DOCS.parent / "hooks"))
import content_rules  # noqa: E402  (hooks/content_rules.py)
import csp  # noqa: E402  (hooks/csp.py)

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def script_src(html: str) -> list[str]:
    (policy,) = POLICY.findall(html)
    return next(part.split()[1:] for part in policy.split(";") if part.split()[:1] == ["script-src"])


def test_built_policy_allows_exactly_the_pages_inline_scripts(site_dir):
    """The built site's policy: 'self' plus one hash per inline script the page
    has -- nothing for MkDocs' live-reload script (only `mkdocs serve` adds it)."""
    for page in all_html(site_dir):
        html = page.read_text(encoding="utf-8")
        hashes = {csp.sha256_source(body) for body in csp.inline_scripts(html)}
        assert sorted(script_src(html)) == sorted(["'self'", *hashes]), page.relative_to(site_dir)
        assert "livereload" not in html, page.relative_to(site_dir)


def test_policy_never_hashes_a_script_from_page_content():
    content = '<p>texto</p><script>alert(document.domain)</script>'
    html = f'<html><head><meta charset="utf-8"><script>theme()</script></head><body>{content}</body></html>'
    sources = csp.policy(html, offline=False, content=content).split("script-src ")[1].split(";")[0].split()
    digest = base64.b64encode(hashlib.sha256(b"theme()").digest()).decode()
    assert sources == ["'self'", f"'sha256-{digest}'"]


def test_live_reload_allowance_adds_only_the_injected_script():
    before = (b'<head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
              b'script-src \'self\' \'sha256-theme\'; img-src \'self\'"></head><body><p>x</p></body>')
    after = before.replace(b"</body>", b"<script>livereload(1, 2);</script></body>")
    served = csp.allow_injected_scripts(before, after).decode()
    assert script_src(served) == ["'self'", csp.sha256_source("livereload(1, 2);"), "'sha256-theme'"]
    assert csp.allow_injected_scripts(before, before) == before


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# T\n\n## A\n\n### B\n\n## C\n", []),
        ("# T\n\n### B\n", [(3, "heading level 3 after level 1")]),
        ("# T\n\n```bash\n# not a heading\n```\n\n## A\n", []),
        ("# T\n\n````markdown\n```bash\nx\n```\n````\n", []),  # a fence shown inside a longer one
        ("# T\n\n```bash\nx\n\n## lost\n", [(3, "code fence never closed")]),
        ("# T\n\n``` inline code at the start ```, not a fence\n", []),
        ('# T\n\n!!! note "N"\n\n    Texto.\n\n    ```bash\n    x\n    ```\n', []),
        ('# T\n\n??? question "Q"\n\nTexto.\n', [(3, "admonition with nothing indented")]),
        ('# T\n\n!!! note "N"\n', [(3, "admonition with nothing indented")]),
        ("---\ntitle: x\ndescription: y\n---\n\n# T\n\n#### D\n", [(8, "heading level 4 after level 1")]),
    ],
)
def test_markdown_source_rules(markdown, expected):
    found = [(line, what.split(":")[0]) for line, what in content_rules.source_problems(markdown)]
    assert [(line, what[: len(exp)]) for (line, what), (_, exp) in zip(found, expected)] == expected
    assert len(found) == len(expected), found


def test_code_blocks_may_show_html_that_pages_may_not_have():
    """A <script> or an https:// image shown in a code block is text, not markup."""
    html = ('<div class="highlight"><pre><code>&lt;script&gt;x&lt;/script&gt; '
            '&lt;img src="https://example.com/a.png"&gt;</code></pre></div>')
    assert content_rules.html_findings(html) == []
    assert content_rules.html_findings('<p><img src="assets/a.svg" srcset="assets/a.svg 2x" alt=""></p>') == []
    assert content_rules.html_findings('<p><a href="https://docs.docker.com/">docs</a></p>') == []


def test_markdown_lint_uses_the_house_rules(tmp_path):
    """`make check` lints docs/ with .pymarkdown.yml: a page in the house style
    passes and a skipped heading level fails, naming file and line."""
    import subprocess

    def lint(text: str) -> subprocess.CompletedProcess:
        page = tmp_path / "pagina.md"
        page.write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "pymarkdown", "--config", str(DOCS.parent / ".pymarkdown.yml"),
                               "scan", str(page)], capture_output=True, text=True, timeout=120)

    good = ('---\ntitle: Página\ndescription: Uma página de teste.\n---\n\n# Página\n\n'
            '!!! note "Nota"\n\n    Texto recuado de um aviso, que não é um bloco de código.\n\n'
            '## Seção com uma linha bem longa ' + " ".join(["palavra"] * 30) + '\n\n'
            'Veja [a seção com acento](#secao-com-acento).\n')
    result = lint(good)
    assert result.returncode == 0, result.stdout + result.stderr
    result = lint(good + "\n#### Nível pulado\n")
    assert result.returncode != 0
    assert "pagina.md:" in result.stdout and "MD001" in result.stdout, result.stdout


# Issue 17 (page weight): what every page carries besides its article. 404.html is
# the theme alone (header, navigation, footer); compressed as served (gzip -6, like
# benchmarks/serve_gzip.py) it was 5.4 KiB before hooks/html_whitespace.py,
# hooks/startup.py and the smaller palette icons, 4.4 KiB after, with 8 nav pages.
THEME_HTML_BUDGET = 5 * 1024


@pytest.mark.parametrize("page", ["404.html", "en/404.html"])
def test_theme_html_stays_small(site_dir, page):
    import gzip

    size = len(gzip.compress((site_dir / page).read_bytes(), compresslevel=6, mtime=0))
    assert size <= THEME_HTML_BUDGET, f"{page}: {size} bytes gzip > {THEME_HTML_BUDGET} (theme markup on every page)"


def test_whitespace_hook_keeps_preformatted_text():
    import html_whitespace as hook  # hooks/html_whitespace.py (hooks/ is on sys.path above)

    html = ('\n  <div>\n\n    <p>a\n      b</p>\n  </div>\n<pre><code>x\n    y\n\n  z</code></pre>\n'
            '  <code>c\n   d</code>\n<script>if(a)\n  b()</script>\n')
    assert hook.collapse(html) == ('<div>\n<p>a\nb</p>\n</div>\n<pre><code>x\n    y\n\n  z</code></pre>\n'
                                   '<code>c\n   d</code>\n<script>if(a)\n  b()</script>\n')


# --- hooks/abbreviations.py: a glossary tooltip at a term's first use per section -----

import abbreviations  # noqa: E402  (hooks/abbreviations.py; hooks/ is on sys.path above)


def test_abbreviation_tooltips_at_first_use_in_each_section():
    hook = abbreviations
    vm = '<abbr title="Virtual machine">VM</abbr>'
    cli = '<abbr title="Command-line interface">CLI</abbr>'
    html = (f"<p>{vm} e {cli}, outra {vm}</p><h3>Sub</h3><p>{vm}</p>"
            f'<h2 id="b">B</h2><p>a <a href="#x">{vm}</a> e {vm}</p>')
    assert hook.first_use_per_section(html) == (
        f"<p>{vm} e {cli}, outra VM</p><h3>Sub</h3><p>VM</p>"
        f'<h2 id="b">B</h2><p>a <a href="#x">{vm}</a> e VM</p>')
    # The term a definition list defines has its definition right below it.
    assert hook.first_use_per_section(f"<dl><dt>{vm}</dt><dd>{cli} roda na {vm}</dd></dl><p>{cli}</p>") == (
        f"<dl><dt>VM</dt><dd>{cli} roda na VM</dd></dl><p>CLI</p>")


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_built_pages_mark_each_term_once_per_section(site_dir, lang):
    """Every term keeps its tooltip at its first use in each <h2> section of every page."""
    pages = [p for p in sorted(site_dir.glob("*.html" if lang == "pt" else "en/*.html"))]
    marked = 0
    for page in pages:
        article = page.read_text(encoding="utf-8").split("<article", 1)[-1].split("</article>", 1)[0]
        for section in re.split(r"(?=<h2[\s>])", article):
            terms = re.findall(r"<abbr title=\"[^\"]*\">([^<]*)</abbr>", section)
            assert len(terms) == len(set(terms)), f"{page.name}: {terms}"
            marked += len(terms)
    assert marked > 100, f"{lang}: only {marked} glossary terms marked: is includes/abbreviations.md still appended?"


def test_heading_permalinks_are_named_without_a_tooltip(site_dir):
    """hooks/startup.py: the ¶ of every heading is named by aria-label, not title (a
    title would be one more tooltip Material mounts at start-up)."""
    links = []
    for page in sorted(site_dir.glob("**/*.html")):
        links += re.findall(r'<a class="headerlink"[^>]*>', page.read_text(encoding="utf-8"))
    assert len(links) > 100, len(links)
    bad = [link for link in links if " title=" in link or ' aria-label="' not in link]
    assert not bad, bad[:3]
