"""Search benchmark: keystroke-to-results latency and index size per language.

Latency: on the largest Portuguese page, type each query; the time from the
keydown of its last character to the next render of the result list (both
taken with performance.now() inside the page), median over queries x rounds.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["container", "memoria", "docker ps", "namespaces", "volume", "dockerfile", "publicar porta", "cgroups"]
ROUNDS = 3
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

OBSERVE = """() => {
  window.__key = null; window.__render = null;
  const list = document.querySelector('.md-search-result__list');
  new MutationObserver(() => {
    if (window.__key !== null && window.__render === null) window.__render = performance.now();
  }).observe(list, {childList: true});
  document.querySelector('input.md-search__input').addEventListener('keydown', () => {
    window.__key = performance.now(); window.__render = null;
  });
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


def build(site: Path, url: str) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict", "--site-dir", str(site)],
                   cwd=ROOT, check=True, env={**os.environ, "SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"})


def main() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site, url)
        for prefix, lang in (("", "pt"), ("en/", "en")):
            index = site / prefix / "search" / "search_index.json"
            docs = len(json.loads(index.read_text(encoding="utf-8"))["docs"])
            print(f"search index ({lang}): {index.stat().st_size / 1024:.1f} KiB, {docs} entries")
        pages = [p for p in site.glob("*.html") if p.name != "404.html"]
        largest = max(pages, key=lambda p: p.stat().st_size)
        largest_kib = largest.stat().st_size / 1024
        handler = functools.partial(QuietHandler, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        samples = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/lib/chromium/chromium", args=ARGS)
            # bypass_csp: the measuring code below is injected by Playwright, not by the site.
            page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page.goto(url + largest.name, wait_until="networkidle")
            config = json.loads(page.locator("#__config").text_content())
            box = page.locator("input.md-search__input")
            box.click()
            page.wait_for_function(
                "t => document.querySelector('.md-search-result__meta').textContent.trim() === t",
                arg=config["translations"]["search.result.placeholder"])
            page.evaluate(OBSERVE)
            for _ in range(ROUNDS):
                for query in QUERIES:
                    box.fill("")
                    box.press_sequentially(query[:-1], delay=20)
                    page.wait_for_timeout(300)
                    box.press(query[-1])
                    page.wait_for_function("window.__render !== null", timeout=10_000)
                    samples.append(page.evaluate("window.__render - window.__key"))
            browser.close()
        httpd.shutdown()
    print(f"search latency on {largest.name} ({largest_kib:.0f} KiB): "
          f"median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms "
          f"({len(samples)} samples: last keystroke -> results rendered)")


if __name__ == "__main__":
    main()
