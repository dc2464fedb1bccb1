"""Glossary tooltips at a term's first use in each section, not at every use (issue 17).

includes/abbreviations.md is appended to every page (``pymdownx.snippets``'
``auto_append``), and Python-Markdown's ``abbr`` wraps every occurrence of every
term in ``<abbr title="...">``: 217 on the glossary page, 180 on
docker-machine-basics, where "VM" and "driver" come back in almost every
paragraph. With ``content.tooltips``, Material mounts one tooltip component on
each of them at start-up, in the task Lighthouse counts as blocking time
(DevTools trace of the glossary page, phone viewport, 4x CPU: the start-up
handler is ~590 ms of script, most of it these mounts).

A reader needs the explanation where a term first shows up in what they are
reading, not again two lines below (style guides ask for a definition at
first use). A reader often lands in the middle of a page (a search result, a
link to a heading), so the first use is counted per section: the text from one
``<h2>`` to the next. Later uses stay plain text; the word itself does not
change, so search and reading are unaffected. The term a definition list
defines (``<dt>``, the glossary's entries) gets none: its definition is the
next line.

Counts on the built site (before -> after): glossario 217 -> 89, conceitos
171 -> 82, docker-machine-basics 180 -> 59, docker-basics 134 -> 60.
"""

from __future__ import annotations

import re

# What Python-Markdown's abbr extension writes (the title is HTML-escaped).
_ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')
# A term of a definition list, or a marked term.
_TOKEN = re.compile(r"(<dt\b[^>]*>.*?</dt>)|" + _ABBR.pattern, re.S)
_SECTION = re.compile(r"(?=<h2[\s>])")


def first_use_per_section(html: str) -> str:
    sections = _SECTION.split(html)
    for index, section in enumerate(sections):
        seen: set[str] = set()

        def keep_first(match: re.Match) -> str:
            term_of_list = match.group(1)
            if term_of_list:
                # The term a definition list defines (the glossary's entries): its
                # definition is right below it, so it gets no tooltip, and it counts
                # as the term's first use.
                seen.update(abbr.group(2) for abbr in _ABBR.finditer(term_of_list))
                return _ABBR.sub(lambda abbr: abbr.group(2), term_of_list)
            term = match.group(3)
            if term in seen:
                return term
            seen.add(term)
            return match.group(0)

        sections[index] = _TOKEN.sub(keep_first, section)
    return "".join(sections)


def on_page_content(html, page, config, files):
    return first_use_per_section(html)
