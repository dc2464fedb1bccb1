"""What a page's Markdown may not bring into the site; the build fails naming file and line.

Checked on the HTML rendered from each page's Markdown -- with the snippets of
includes/ and the glossary abbreviations in it -- so a ``<script>`` shown inside
a code block (escaped text there) never trips a rule:

* elements that run code or embed other documents: ``script``, ``iframe``,
  ``frame``, ``object``, ``embed``; and ``base``, ``meta``, ``link``, which would
  re-point the page's URLs, redirect it or change its policy;
* inline event handlers (``onclick=``...) and ``javascript:`` URLs (the
  Content-Security-Policy would block them; hooks/csp.py refuses ``style``);
* ``src``, ``srcset``, ``data`` or ``poster`` pointing off-site (``https://``,
  ``//host``), Markdown images ``![x](https://...)`` included: the site loads
  nothing from other hosts (images go in docs/assets/).

Checked on the Markdown source, where the mistake is silent in the HTML:

* a code fence that never closes (the rest of the page would become code);
* an admonition (``!!!``/``???``) with nothing indented under it (its text
  would fall out of the box, and a collapsible one would be empty);
* a heading that skips a level (``#`` then ``###``).

The line is the first line of the source (outside code fences) that holds the
offending tag or URL, in the page or, for text that came from there, in
includes/. hooks/csp.py never hashes a script from page content either.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
INCLUDES = ROOT / "includes"

FORBIDDEN_TAGS = {
    "script": "runs code",
    "iframe": "embeds another document",
    "frame": "embeds another document",
    "object": "embeds another document",
    "embed": "embeds another document",
    "base": "re-points every relative URL of the page",
    "meta": "can redirect the page or change its policy",
    "link": "loads or announces other resources",
}
LOADING_ATTRS = ("src", "srcset", "data", "poster")


def off_site(url: str) -> bool:
    parsed = urlparse(url.strip())
    return url.strip().startswith("//") or parsed.scheme in ("http", "https", "ftp")


class _Findings(HTMLParser):
    """(what is wrong, text to look for in the source) for one page's HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append((f"<{tag}> {FORBIDDEN_TAGS[tag]}; pages may not add it", f"<{tag}"))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append((f"inline event handler {name}= on <{tag}> (the policy blocks it)", f"{name}="))
            elif name in LOADING_ATTRS:
                for url in (part.strip().split(" ")[0] for part in value.split(",")) if name == "srcset" else [value]:
                    if off_site(url):
                        self.found.append((f"<{tag} {name}> loads {url} from another site: put the file in "
                                           "docs/assets/ and link it relatively", url))
            elif name == "href" and value.strip().lower().startswith("javascript:"):
                self.found.append((f"javascript: URL on <{tag}> (the policy blocks it)", "javascript:"))

    handle_startendtag = handle_starttag


def html_findings(html: str) -> list[tuple[str, str]]:
    parser = _Findings()
    parser.feed(html)
    parser.close()
    return parser.found


# --- the Markdown source ----------------------------------------------------------

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]|$)")
# The delimiter row under a Markdown table header: | --- | :---: |
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ADMONITION = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+\S")


def prose_lines(text: str):
    """(line number, line, inside a fence?) for every line; also returns, at
    the end, the line of a fence still open (or None)."""
    open_at, fence = None, ""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if open_at is None:
            match = _FENCE_OPEN.match(line)
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                open_at, fence = number, match["fence"]
                out.append((number, line, True))
                continue
            out.append((number, line, False))
        else:
            if re.fullmatch(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line):
                open_at = None
            out.append((number, line, True))
    return out, open_at


def body_lines(text: str) -> tuple[str, int]:
    """The text after the front matter, and how many lines the front matter took."""
    match = re.match(r"\A---\n.*?\n---\n", text, re.DOTALL)
    if not match:
        return text, 0
    return text[match.end():], match.group(0).count("\n")


def source_problems(text: str) -> list[tuple[int, str]]:
    body, offset = body_lines(text)
    lines, unclosed = prose_lines(body)
    problems = []
    if unclosed is not None:
        problems.append((unclosed + offset, "code fence never closed: the rest of the page would become code"))
    previous = 0
    for index, (number, line, in_code) in enumerate(lines):
        if in_code:
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading["hashes"])
            if level > previous + 1:
                problems.append((number + offset, f"heading level {level} after level {previous}: "
                                                  f"use {'#' * (previous + 1)} (levels may not skip)"))
            previous = level
        following_line = lines[index + 1][1] if index + 1 < len(lines) else ""
        if line.lstrip().startswith("|") and _TABLE_RULE.match(following_line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if "" in cells:
                problems.append((number + offset, "table header with an empty cell: screen readers announce "
                                                  "nothing for that column (axe empty-table-header); name it"))
        admonition = _ADMONITION.match(line)
        if admonition:
            indent = len(admonition["indent"].expandtabs(4))
            following = next((ln for _, ln, _ in lines[index + 1:] if ln.strip()), None)
            if following is None or len(following) - len(following.lstrip()) <= indent:
                problems.append((number + offset, "admonition with nothing indented under it: indent its text "
                                                  f"by {indent + 4} spaces"))
    return problems


def locate(needle: str, sources: list[tuple[str, str]]) -> str:
    """``file:line`` of the first prose line holding ``needle`` (case-insensitive)."""
    wanted = needle.lower()
    for name, text in sources:
        lines, _ = prose_lines(text)
        for number, line, in_code in lines:
            if not in_code and wanted in line.lower():
                return f"{name}:{number}"
    return sources[0][0]


def include_sources() -> list[tuple[str, str]]:
    return [(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
            for path in sorted(INCLUDES.rglob("*.md"))]


def check(page_html: str, page_name: str, page_source: str) -> list[str]:
    problems = [f"{page_name}:{line}: {what}" for line, what in source_problems(page_source)]
    if page_html:
        sources = [(page_name, page_source), *include_sources()]
        problems += [f"{locate(needle, sources)}: {what}" for what, needle in html_findings(page_html)]
    return sorted(problems, key=lambda p: (p.split(":")[0], int(re.match(r"[^:]*:(\d*)", p)[1] or 0)))


def on_page_content(html, page, config, files):
    source_path = Path(page.file.abs_src_path)
    name = source_path.relative_to(ROOT).as_posix() if source_path.is_relative_to(ROOT) else f"docs/{page.file.src_uri}"
    problems = check(html, name, source_path.read_text(encoding="utf-8"))
    if problems:
        raise PluginError("content a page may not have (CONTRIBUTING.md, \"Regras de conteúdo\"):\n  "
                          + "\n  ".join(problems))
    return html
