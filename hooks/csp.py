"""Content-Security-Policy as a ``<meta http-equiv>`` tag on every page.

GitHub Pages cannot send response headers, so the policy travels in the page.
Scripts and styles come only from the site itself ('self'); the theme's inline
scripts (Material writes four small ones per page: storage helpers, palette,
content tabs, tab target; overrides/ may add more) are allowed by their
SHA-256 hashes, computed here from the final HTML of each page, so any other
inline script -- or an inline event handler -- is refused by the browser.
Scripts that come from a page's Markdown (its rendered content) are never
hashed; hooks/content_rules.py fails the build on them, naming file and line.
Under `mkdocs serve` only, MkDocs' injected live-reload script is allowed too
(see on_serve at the end of this file).
``'unsafe-inline'`` is never used, for scripts or styles.

What else the theme needs, and why each directive says what it says:

* ``img-src 'self' data:`` -- Material's CSS draws icons from ``data:`` SVGs.
* ``style-src 'self'`` -- the HTML has no ``<style>`` elements or ``style``
  attributes (the build fails, naming the page, if one appears, e.g. from
  ``{ style="..." }`` in Markdown); Material's JavaScript only sets styles
  through the CSSOM (``element.style.top = ...``), which CSP does not restrict.
* ``worker-src 'self'`` / ``connect-src 'self'`` -- the search worker and
  Material's requests for ``search/search_index.json`` and ``sitemap.xml``
  (the site must be built for the URL it is served from: SITE_URL).
* ``frame-ancestors``, ``report-uri`` and ``sandbox`` are ignored in a meta
  tag, so they are not written.

Offline edition (the offline plugin enabled; opened from ``file://``): Chromium
blocks Web Workers there, so the iframe-worker shim (hooks/offline.py) runs
the search worker in a hidden ``about:blank`` iframe. That iframe inherits this
page's policy, and the shim writes one inline script into it whose text
contains the worker's URL as written in the page's ``__config`` -- a relative
URL, so its hash is known at build time and is added to that page's policy.
Under ``file://`` Chromium's ``'self'`` matches ``file:`` URLs, so the rest of
the policy is the same. tests/quality/test_csp.py proves zero violations on
every page, online and offline.

The hook runs after every other ``on_post_page`` handler (lowest priority) so
it hashes the HTML as it is written; 404.html is not a page (it is rendered by
``on_post_template``, where hooks/i18n.py keeps each language's copy), so it
is handled there, before hooks/i18n.py keeps it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
SHIM_SOURCE = ROOT / "tools" / "node_modules" / "iframe-worker" / "shim" / "index.js"

# <script> elements without src whose type makes them executable.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_JS_TYPES = {"", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript"}
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.DOTALL)
_HEAD_ANCHOR = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)

FIXED_DIRECTIVES = (
    ("default-src", "'self'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self'"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("frame-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)


def sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


class _Blocked(HTMLParser):
    """Markup the policy would block: inline event handlers, style attributes
    and <style> elements (style-src has no 'unsafe-inline' and no hashes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, _value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")


_MAYBE_BLOCKED = re.compile(r"\s(?:on[a-z]+|style)\s*=|<style\b", re.IGNORECASE)


def blocked_markup(html: str, quick: bool = True) -> list[str]:
    if quick and not _MAYBE_BLOCKED.search(html):  # the common case, without parsing the page
        return []
    parser = _Blocked()
    parser.feed(html)
    parser.close()
    return parser.found


def inline_scripts(html: str) -> list[str]:
    """Bodies of the inline scripts a browser would run."""
    found = []
    for match in _SCRIPT.finditer(html):
        attrs, body = match.group(1), match.group(2)
        if _SRC.search(attrs):
            continue
        kind = _TYPE.search(attrs)
        if kind and kind.group(1).lower() not in _JS_TYPES:
            continue  # data blocks (Material's __config JSON) are not run
        found.append(body)
    return found


# --- iframe-worker shim (offline edition) -------------------------------------

def _function_source(code: str, name: str) -> str:
    """Text of the top-level ``function NAME(...){...}`` in minified ``code``
    (what Function.prototype.toString returns for it)."""
    start = code.find(f"function {name}(")
    if start < 0:
        raise ValueError(f"function {name} not found")
    depth, i, brace_seen = 0, start, False
    in_str: str | None = None
    while i < len(code):
        ch = code[i]
        if in_str:
            if ch == "\\":
                i += 2
                continue
            if ch == in_str:
                in_str = None
        elif ch in "\"'`":
            in_str = ch
        elif ch == "{":
            depth += 1
            brace_seen = True
        elif ch == "}":
            depth -= 1
            if brace_seen and depth == 0:
                return code[start : i + 1]
        i += 1
    raise ValueError(f"function {name} not terminated")


def shim_inline_script_template(shim: str) -> str:
    """The inline script the shim document.write()s into its iframe, with
    ``{url}`` where the worker URL goes (``str.format``-escaped otherwise)."""
    write = re.search(r"document\.write\(`(.*?)`\)", shim, re.DOTALL)
    if not write:
        raise ValueError("document.write(`...`) not found")
    template = write.group(1).replace("<\\/", "</")
    body = re.search(r"<script>(.*?)</script>", template, re.DOTALL)
    if not body:
        raise ValueError("inline <script> not found in the shim's iframe document")
    text = body.group(1)
    names = set(re.findall(r"\$\{(\w+)\}", text))
    functions = {n for n in names if re.search(rf"\bfunction {n}\(", shim)}
    (url_name,) = names - functions  # exactly one placeholder is the worker URL
    out = text.replace("{", "{{").replace("}", "}}")
    for name in functions:
        source = _function_source(shim, name).replace("{", "{{").replace("}", "}}")
        out = out.replace(f"${{{{{name}}}}}", source)
    return out.replace(f"${{{{{url_name}}}}}", "{url}")


_shim_template: str | None = None


def shim_script_hash(html: str) -> str | None:
    """Hash of the shim's iframe script for this page's search worker URL."""
    global _shim_template
    config = _CONFIG.search(html)
    if not config:
        return None
    worker = json.loads(config.group(1)).get("search")
    if not worker:
        return None
    if _shim_template is None:
        if not SHIM_SOURCE.is_file():
            raise PluginError(f"{SHIM_SOURCE.relative_to(ROOT)} não existe: rode `npm ci --prefix tools` (missing iframe-worker shim)")
        try:
            _shim_template = shim_inline_script_template(SHIM_SOURCE.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PluginError(f"hooks/csp.py: iframe-worker shim changed, cannot hash its iframe script: {exc}") from exc
    return sha256_source(_shim_template.format(url=worker))


# --- the policy -------------------------------------------------------------------

def offline_enabled(config) -> bool:
    plugin = config.plugins.get("offline") or config.plugins.get("material/offline")
    return bool(plugin and plugin.config.enabled)


def policy(html: str, offline: bool, content: str = "") -> str:
    """The page's policy. ``content`` is the HTML rendered from the page's
    Markdown: its inline scripts are never hashed (hooks/content_rules.py
    refuses them anyway), only those the theme and overrides/ write."""
    from_content = {sha256_source(body) for body in inline_scripts(content)}
    hashes = [h for h in dict.fromkeys(sha256_source(body) for body in inline_scripts(html)) if h not in from_content]
    if offline:
        extra = shim_script_hash(html)
        if extra and extra not in hashes:
            hashes.append(extra)
    script_src = ("script-src", " ".join(["'self'", *hashes]))
    directives = [FIXED_DIRECTIVES[0], script_src, *FIXED_DIRECTIVES[1:]]
    return "; ".join(f"{name} {value}" for name, value in directives)


def add_policy(html: str, offline: bool, name: str, content: str = "") -> str:
    if 'http-equiv="Content-Security-Policy"' in html:
        return html
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, offline, content)}">'
    anchor = _HEAD_ANCHOR.search(html) or _HEAD.search(html)
    if anchor is None:
        raise PluginError(f"{name}: no <head> to put the Content-Security-Policy in")
    first_script = html.find("<script")
    if 0 <= first_script < anchor.end():
        raise PluginError(f"{name}: a <script> comes before <meta charset>; the CSP would not cover it")
    blocked = blocked_markup(html)
    if blocked:  # the browser would refuse it: fail the build, naming it, instead
        raise PluginError(
            f"{name}: markup the Content-Security-Policy blocks (use a class and "
            f"docs/assets/stylesheets/extra.css, or a script file): {'; '.join(blocked[:5])}"
        )
    return html[: anchor.end()] + "\n      " + tag + html[anchor.end():]


@event_priority(-200)  # after every other hook and plugin has changed the page
def on_post_page(output, page, config):
    return add_policy(output, offline_enabled(config), f"docs/{page.file.src_uri}", page.content or "")


@event_priority(50)  # before hooks/i18n.py keeps each language's 404.html
def on_post_template(output, template_name, config):
    if template_name == "404.html":
        output = add_policy(output, offline_enabled(config), template_name)
    return output


# --- `mkdocs serve` (make serve) ----------------------------------------------------
# MkDocs' live-reload server injects into every HTML response an inline
# <script> that polls for rebuilds; its text holds the build epoch and a
# per-request id, so no hash can be known at build time, and the page's policy
# would block it (the preview would never reload). Only under `mkdocs serve`
# (this event does not fire for `mkdocs build`), each response's policy gets the
# hash of exactly the script injected into that response: nothing else is
# allowed, and the built site's policy is untouched.
# MkDocs 1.6 has no public hook for the injection, so the server instance's
# `_inject_js_into_html` is wrapped; tests/browser/test_livereload.py fails if
# that method changes.

_POLICY_SCRIPT_SRC = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src \'self\')')


def allow_injected_scripts(before: bytes, after: bytes) -> bytes:
    """``after`` with the hashes of the inline scripts it has and ``before``
    had not added to the page's script-src."""
    old = set(inline_scripts(before.decode("utf-8", "replace")))
    added = [b for b in inline_scripts(after.decode("utf-8", "replace")) if b not in old]
    if not added:
        return after
    hashes = " ".join(sha256_source(body) for body in added).encode("ascii")
    return _POLICY_SCRIPT_SRC.sub(lambda m: m.group(1) + b" " + hashes, after, count=1)


def on_serve(server, config, builder):
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None:
        raise PluginError("hooks/csp.py: MkDocs' live-reload server no longer has _inject_js_into_html; "
                          "update the live-reload allowance in hooks/csp.py")

    def inject_allowed(content, epoch):
        return allow_injected_scripts(content, inject(content, epoch))

    server._inject_js_into_html = inject_allowed
    return server
