"""Session fixtures: one strict build of the site and a local HTTP server."""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from helpers import CHROMIUM, ROOT, block_non_file_requests, mkdocs_build, require


@pytest.fixture(scope="session")
def site_url() -> str:
    """The URL the test server will use; the site is built for it (site_url),
    as the deploy builds for the GitHub Pages URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="session")
def build(tmp_path_factory, site_url):
    """The strict build of the repository, into a temporary directory."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site, env={"SITE_URL": site_url})
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return result, site


@pytest.fixture(scope="session")
def site_dir(build) -> Path:
    return build[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def server(site_dir, site_url):
    """Serve the built site on 127.0.0.1 at ``site_url`` for browser tests."""
    port = int(site_url.rstrip("/").rsplit(":", 1)[1])
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site_url
    httpd.shutdown()
    httpd.server_close()


# --- The offline edition: built with OFFLINE=true, packed, unzipped. -------

sys.path.insert(0, str(ROOT / "scripts"))
import pack_offline  # noqa: E402


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("offline")
    if not (ROOT / "tools" / "node_modules" / "iframe-worker").is_dir():
        subprocess.run(["npm", "ci", "--prefix", str(ROOT / "tools"), "--no-audit", "--no-fund"], check=True)
    result = mkdocs_build(ROOT, work / "site-offline", env={"OFFLINE": "true"})
    assert result.returncode == 0, f"offline build failed:\n{result.stdout}\n{result.stderr}"
    target = work / "docker-basico-offline.zip"
    pack_offline.pack(work / "site-offline", target)
    return target


@pytest.fixture(scope="session")
def offline_root(offline_zip, tmp_path_factory) -> Path:
    """Where a reader would unzip it: the single top folder."""
    dest = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(dest)
    (top,) = list(dest.iterdir())
    return top


@pytest.fixture
def file_page(page):
    """A page whose every non-file:// request is blocked and recorded."""
    leaks = block_non_file_requests(page.context)
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:", "blob:", "about:")) else leaks.append(r.url))
    page.leaks = leaks
    return page


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
