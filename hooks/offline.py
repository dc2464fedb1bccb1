"""Offline edition (`make offline`): Material's offline plugin, made self-contained.

Stock behaviour this hook changes, only when the offline plugin is enabled:

* the plugin adds ``https://unpkg.com/iframe-worker/shim`` (needed for search
  under file://, where Chromium blocks Web Workers); we list a local copy
  instead, installed from npm (``iframe-worker``, pinned in tools/package.json)
  and copied into the built site;
* the edition has no ``site_url``: no canonical/og:url/hreflang link points at
  the online site, and Material's language code never fetches a sitemap from it
  (``<link rel="alternate">`` is dropped; the language selector links stay);
* each language's search index is also written as ``search_index.js`` (done in
  hooks/search.py, which splits the index per language).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
SHIM_SOURCE = ROOT / "tools" / "node_modules" / "iframe-worker" / "shim" / "index.js"
SHIM_DEST = "assets/javascripts/iframe-worker-shim.js"
_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def offline_enabled(config) -> bool:
    plugin = config.plugins.get("material/offline")
    return bool(plugin and plugin.config.enabled)


@event_priority(100)  # before the offline plugin adds its CDN shim
def on_config(config):
    if not offline_enabled(config):
        return
    if not SHIM_SOURCE.is_file():
        raise PluginError(
            f"{SHIM_SOURCE.relative_to(ROOT)} não existe: rode `npm ci --prefix tools` "
            "(o `make offline` já faz isso) / missing iframe-worker shim"
        )
    config.extra["polyfills"] = [*config.extra.get("polyfills", []), SHIM_DEST]
    # Read by hooks/search.py and overrides/partials/copyright.html.
    config.extra["offline_edition"] = True
    config.site_url = None


def on_post_page(output, page, config):
    if offline_enabled(config):
        output = _ALTERNATE.sub("", output)
    return output


def on_post_build(config):
    if offline_enabled(config):
        target = Path(config["site_dir"]) / SHIM_DEST
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHIM_SOURCE, target)
