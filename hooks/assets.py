"""Serve the site's own stylesheet and script without their comments.

``docs/assets/stylesheets/extra.css`` and ``docs/assets/javascripts/a11y.js``
explain every rule in comments, for contributors; readers download each file
on every page, and the comments were about half of their compressed bytes (a
page-weight budget in tests/quality). After the build, the copies in the site
lose their comments and blank lines; the sources keep them. Only the files
named under ``extra_css`` and ``extra_javascript`` are touched, and only
whole comments: ``/* … */`` blocks in CSS, lines that start with ``//`` in
JavaScript (never ``//`` inside code, so a URL in a string stays).
"""

from __future__ import annotations

import re
from pathlib import Path

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_JS_LINE_COMMENT = re.compile(r"^[ \t]*//.*\n", re.M)
_BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")


def strip_css(text: str) -> str:
    return _BLANK_LINES.sub("", _CSS_COMMENT.sub("", text)).strip() + "\n"


def strip_js(text: str) -> str:
    return _BLANK_LINES.sub("", _JS_LINE_COMMENT.sub("", text)).strip() + "\n"


def on_post_build(config):
    site = Path(config["site_dir"])
    for entries, strip in ((config["extra_css"], strip_css), (config["extra_javascript"], strip_js)):
        for entry in entries:
            target = site / str(entry)
            if target.is_file():
                target.write_text(strip(target.read_text(encoding="utf-8")), encoding="utf-8")
