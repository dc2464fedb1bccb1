"""Session fixtures: one strict build of the site and a local HTTP server."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from helpers import CHROMIUM, ROOT, mkdocs_build, require


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The strict build of the repository, into a temporary directory."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return result, site


@pytest.fixture(scope="session")
def site_dir(build) -> Path:
    return build[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_url(site_dir):
    """Serve the built site on 127.0.0.1 (random port) for browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


# --- Playwright: always Debian's Chromium, never a downloaded browser. -------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM}; apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}
