"""Keyboard access to code blocks that scroll sideways on touch screens.

Material makes a scrollable code block focusable only on devices that can
hover, once it mounts the block; docs/assets/javascripts/a11y.js keeps it
focusable from the start and on touch screens too (a phone with a keyboard, a
screen reader). axe checks the page as loaded
(tests/quality/test_axe.py); this checks a block that starts to scroll after
the phone turns from landscape to portrait.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Blocks are named by their position on the page: Material gives a <pre> its id only
# when it mounts the block, and with content.lazy (mkdocs.yml) that waits until the
# block comes into view.
SCROLLABLE_WITHOUT_TABINDEX = """() => [...document.querySelectorAll('.highlight pre > code')]
  .map((code, index) => [code, index])
  .filter(([code]) => code.scrollWidth > code.clientWidth && code.getAttribute('tabindex') !== '0')
  .map(([, index]) => index)"""
SCROLLABLE = """() => [...document.querySelectorAll('.highlight pre > code')]
  .map((code, index) => [code, index])
  .filter(([code]) => code.scrollWidth > code.clientWidth).map(([, index]) => index)"""


def test_code_that_starts_to_scroll_after_rotation_is_focusable(new_context, server):
    page = new_context("phone", "light").new_page()
    page.set_viewport_size({"width": 1400, "height": 390})  # landscape, wide
    page.goto(server + "container-basics.html", wait_until="load")
    page.wait_for_function("typeof document$ !== 'undefined'")
    assert not page.evaluate("matchMedia('(hover)').matches"), "the phone context should not hover"
    wide = set(page.evaluate(SCROLLABLE))
    assert page.evaluate(SCROLLABLE_WITHOUT_TABINDEX) == []
    page.set_viewport_size({"width": 390, "height": 844})  # portrait
    # No sleep: wait until the page has the new width, then for three frames.
    # The resize event comes in the first frame after the change, a11y.js
    # updates in the frame after it (requestAnimationFrame), and Material's
    # resize observers run in those frames too.
    page.wait_for_function("innerWidth === 390")
    page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done)))))""")
    narrow = set(page.evaluate(SCROLLABLE))
    assert narrow - wide, "no code block started to scroll: the page no longer exercises this"
    assert page.evaluate(SCROLLABLE_WITHOUT_TABINDEX) == [], "scrollable code blocks the keyboard cannot reach"
