"""Accessibility fixes for stock Material 9.8 markup that CSS cannot reach.

Material renders the search overlay as ``<div role="dialog">`` without an
accessible name (axe rule ``aria-dialog-name``). The partial is otherwise fine,
so instead of copying the whole template into overrides/ we name the dialog
after the search field's own (translated) label. If Material fixes this
upstream the substitution simply stops matching; tests/browser/test_axe.py
keeps the rule covered either way.
"""

from __future__ import annotations

import re

_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")>')
_LABEL = re.compile(r'class="md-search__input" name="query" aria-label="([^"]+)"')


def name_search_dialog(output: str) -> str:
    label = _LABEL.search(output)
    if label is None:
        return output
    return _DIALOG.sub(rf'\1 aria-label="{label.group(1)}">', output, count=1)


def on_post_page(output, page, config):
    return name_search_dialog(output)


def on_post_template(output, template_name, config):
    # 404.html is a static template, not a page.
    return name_search_dialog(output) if template_name == "404.html" else output
