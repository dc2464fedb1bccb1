"""Less start-up work for Material's JavaScript on every page (issue 17, Total Blocking Time).

With ``content.tooltips`` (the glossary tooltips), Material mounts one of its
own tooltips on every element of the header that has a ``title``, when the
page loads: each mount is a style and layout pass over the whole page, in the
start-up task that Lighthouse counts as blocking time. The header has four that
no reader needs as a tooltip:

* the three labels of the palette toggle (only one is visible at a time): the
  radio input each label is ``for`` already has the same text as ``aria-label``,
  so the toggle keeps its accessible name; what goes is the hover bubble;
* the logo, whose ``title`` repeats the site name written beside it (the link
  keeps its ``aria-label``).

The heading permalinks (the ``¶`` that toc's ``permalink`` adds to every heading,
11 to 29 per page) carry a ``title`` too, so each was one more tooltip mounted
at start-up: their text becomes the link's ``aria-label`` (its accessible name,
which was "¶" before, with the title as a description), and the hover bubble
goes.

Measured in Chromium (CDP Performance metrics, median of 6 loads; the counts do
not depend on the machine's load): on the theme-only 404 page, style
recalculations 20 -> 13 and layouts 18 -> 12 (stock Material: 10 and 9); on the
home page 36 -> 30 and 28 -> 22. benchmarks/stock.py compares the result with
stock Material under Lighthouse.

The palette toggle costs more: when Material mounts it, it adds
``data-md-color-switching`` to ``<body>`` (palette.css turns transitions off
under it, ``[data-md-color-switching] *``), reads the header's computed style,
and takes the attribute away on the next animation frame. A rule with ``*``
under an attribute makes each change of that attribute restyle every element
of the page, and the read forces it at once: one style pass over the whole
page, in the start-up task. Here ``<body>`` is written with the attribute
already on, so Material's ``setAttribute`` changes nothing (Chromium restyles
only when the value changes); transitions start once Material takes it off,
as before. Measured in Chromium (DevTools trace of the glossary page, phone
viewport): of the four restyles of the whole page (1077 elements) that the
palette brings, the forced one at that read goes; the removal stays, and so do
two from the ``<meta name="color-scheme">`` Material appends and fills in,
which restyle the whole page whatever the value (a static meta of the same
value in the template did not help).

If Material changes this markup, the substitutions stop matching and the
tooltips (or the forced restyle) come back (benchmarks/stock.py shows the cost
again).
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

_PALETTE_LABEL = re.compile(r'(<label class="md-header__button md-icon") title="[^"]*"( for="__palette_\d+")')
_HEADER_LOGO = re.compile(r'(<a href="[^"]*") title="[^"]*"( class="md-header__button md-logo" aria-label="[^"]+")')
_HEADERLINK = re.compile(r'(<a class="headerlink" href="[^"]*") title="([^"]*)"')
_PALETTE_FORM = 'data-md-component="palette"'
_BODY = re.compile(r"<body\b")


def untitle(html: str) -> str:
    html = _PALETTE_LABEL.sub(r"\1\2", html)
    html = _HEADERLINK.sub(r'\1 aria-label="\2"', html)
    return _HEADER_LOGO.sub(r"\1\2", html, count=1)


def preswitch(html: str) -> str:
    """``<body>`` starts with the attribute Material's palette sets at start-up."""
    if _PALETTE_FORM not in html:  # no palette toggle: nothing would take the attribute off
        return html
    return _BODY.sub("<body data-md-color-switching", html, count=1)


def lighten(html: str) -> str:
    return preswitch(untitle(html))


def on_post_page(output, page, config):
    return lighten(output)


@event_priority(50)  # 404.html: before hooks/i18n.py keeps each language's copy
def on_post_template(output, template_name, config):
    return lighten(output) if template_name == "404.html" else output
