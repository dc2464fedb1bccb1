"""Serve a built site on 127.0.0.1 the way GitHub Pages serves it (stdlib only).

* Text responses (HTML, CSS, JavaScript, JSON, SVG, XML, plain text) are
  gzip-compressed when the client sends ``Accept-Encoding: gzip``, with
  ``Vary: Accept-Encoding`` -- GitHub Pages does the same, so Lighthouse's
  transfer sizes and timings match what readers get.
* ``Cache-Control: max-age=600`` like GitHub Pages, and ``ETag`` /
  ``If-None-Match`` revalidation.
* A missing file is answered with the site's ``404.html`` and status 404.
* ``/dir/`` serves ``/dir/index.html``.

Usage: ``python benchmarks/serve_gzip.py SITE_DIR [PORT]`` (PORT 0 picks a free
one; the URL is printed). As a module: ``start(site_dir, port) -> (server, url)``.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.server
import mimetypes
import posixpath
import sys
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml",
                "image/svg+xml", "application/manifest+json")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
}


@lru_cache(maxsize=512)
def _load(path: str, mtime_ns: int) -> tuple[bytes, bytes, str]:
    """(raw, gzip, etag) of a file, cached until it changes."""
    raw = Path(path).read_bytes()
    # mtime=0: the same bytes give the same compressed bytes.
    return raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha1(raw).hexdigest()[:16]


class GzipHandler(http.server.BaseHTTPRequestHandler):
    root: Path = Path(".")
    protocol_version = "HTTP/1.1"
    server_version = "serve_gzip"

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def _resolve(self) -> Path | None:
        path = posixpath.normpath(unquote(urlsplit(self.path).path))
        parts = [p for p in path.split("/") if p and p not in (".", "..")]
        target = self.root.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _send(self, head_only: bool) -> None:
        target = self._resolve()
        status = 200
        if target is None:
            status, target = 404, self.root / "404.html"
            if not target.is_file():
                self.send_error(404)
                return
        raw, packed, etag = _load(str(target), target.stat().st_mtime_ns)
        ctype = TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compressible = ctype.startswith(COMPRESSIBLE)
        body = packed if (wants_gzip and compressible) else raw
        quoted = f'"{etag}"'
        if status == 200 and self.headers.get("If-None-Match") == quoted:
            self.send_response(304)
            self.send_header("ETag", quoted)
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("ETag", quoted)
        self.send_header("Last-Modified", email.utils.formatdate(target.stat().st_mtime, usegmt=True))
        if compressible:
            self.send_header("Vary", "Accept-Encoding")
        if body is packed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - stdlib naming
        self._send(head_only=False)

    def do_HEAD(self):  # noqa: N802 - stdlib naming
        self._send(head_only=True)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A browser closing a connection early is not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(site: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``site`` in a daemon thread; returns the server and its base URL."""
    handler = type("Handler", (GzipHandler,), {"root": Path(site).resolve()})
    server = QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    site = Path(argv[1])
    if not (site / "index.html").is_file():
        sys.exit(f"{site}/index.html does not exist: build the site first")
    server, url = start(site, int(argv[2]) if len(argv) == 3 else 0)
    print(f"serving {site} at {url} (gzip); Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main(sys.argv)
