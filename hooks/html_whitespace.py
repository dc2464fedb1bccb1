"""Drop the indentation and blank lines of the theme's templates from every page.

Material's Jinja templates are indented and leave a blank line for every
``{% if %}`` and ``{% block %}``: about a seventh of each page's HTML is that
whitespace (0.6-0.7 KiB compressed on the home page, whose budget is 75 KiB
transferred; tests/quality/test_lighthouse.py, issue 17). Outside ``<pre>``,
``<textarea>``, ``<script>`` and ``<code>`` (where whitespace is content), a
newline followed by spaces, tabs and more newlines becomes one newline: HTML
collapses a run of whitespace to one space anyway, so the page renders the same,
and every place that had whitespace between two tags still has it.

Runs after every other hook that edits the HTML, except hooks/csp.py, which
hashes the final inline scripts (their text is never changed here).
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

_KEEP = re.compile(r"<(pre|textarea|script|code)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_RUN = re.compile(r"[ \t]*\n\s*")


def collapse(html: str) -> str:
    parts, last = [], 0
    for match in _KEEP.finditer(html):
        parts.append(_RUN.sub("\n", html[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_RUN.sub("\n", html[last:]))
    return "".join(parts).lstrip()


@event_priority(-150)  # after the other hooks, before hooks/csp.py (-200)
def on_post_page(output, page, config):
    return collapse(output)


@event_priority(50)  # 404.html: before hooks/i18n.py keeps each language's copy (csp.py comes after)
def on_post_template(output, template_name, config):
    return collapse(output) if template_name == "404.html" else output
