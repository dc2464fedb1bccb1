"""HTML validity fixes for stock Material 9.8 markup (Nu HTML Checker errors).

tests/quality/test_html.py runs vnu on every built page and wants 0 errors;
stock Material writes two kinds on every page:

* ``autocomplete="off"`` on the drawer and search toggles
  (``<input type="checkbox">``): the attribute is not allowed on checkboxes.
  Material adds it so Firefox does not restore the toggles' checked state on
  reload; without it an overlay left open may reopen after a reload in Firefox.
* ``tabindex=""`` on navigation section labels: an empty tabindex is invalid
  and means the same as no tabindex.

If Material stops writing either, the substitutions simply stop matching.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')
_EMPTY_TABINDEX = re.compile(r'\s+tabindex=""')


def fix(html: str) -> str:
    html = _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    return _EMPTY_TABINDEX.sub("", html)


def on_post_page(output, page, config):
    return fix(output)


@event_priority(50)  # before hooks/i18n.py keeps each language's 404.html
def on_post_template(output, template_name, config):
    return fix(output) if template_name == "404.html" else output
