"""`make serve`: the preview reloads on save, with a clean console (hooks/csp.py, on_serve).

Runs the Makefile's own serve command (read with `make -n serve`) on a free port
in a throwaway copy of the project, opens a page in Chromium, saves a change to
that page's Markdown and waits for the browser to show it after a reload.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from helpers import ROOT, copy_project

pytestmark = pytest.mark.browser

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "hooks", "includes", "scripts")
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(addr: str) -> list[str]:
    """The command `make serve ADDR=addr` runs, with this interpreter (the
    project's .venv) in place of the relative .venv/bin/python."""
    dry = subprocess.run(["make", "-s", "-n", "serve", f"ADDR={addr}"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    (line,) = [ln for ln in dry.splitlines() if "mkdocs_cli.py serve" in ln]
    words = shlex.split(line)
    assert words[0].endswith("/python"), line
    assert f"--dev-addr={addr}" in line or f"--dev-addr {addr}" in line, line
    return [sys.executable, *words[1:]]


def start_server(project, log_path):
    """Start `make serve` on a free port: (process, base URL, log file).

    The port is picked free, then bound by mkdocs a moment later, so another
    process may take it in between: a server that exits on "Address already in
    use" is started again on a new port, and a page only counts as served when
    it carries the live-reload script (the answer is from this server, not from
    whoever else listens there).
    """
    for _ in range(5):
        addr = f"127.0.0.1:{free_port()}"
        log = log_path.open("w")
        server = subprocess.Popen(serve_command(addr), cwd=project, stdout=log, stderr=subprocess.STDOUT,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        base = f"http://{addr}/"
        deadline = time.monotonic() + 180
        while server.poll() is None:
            try:
                html = urllib.request.urlopen(base + "index.html", timeout=5).read().decode()
            except OSError:
                html = ""
            if "livereload(" in html:
                return server, base, log
            assert time.monotonic() < deadline, f"make serve did not serve {base} within 180 s"
            time.sleep(0.5)
        log.close()
        output = log_path.read_text()
        assert "Address already in use" in output, output
    pytest.fail("make serve found no free port in 5 attempts")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, project copy, server log) of a running `make serve`."""
    tmp_path = tmp_path_factory.mktemp("serve")
    project = copy_project(tmp_path / "project", PROJECT_PARTS)
    server, base, log = start_server(project, tmp_path / "serve.log")
    try:
        yield base, project, tmp_path / "serve.log"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_served_policy_allows_exactly_the_injected_live_reload_script(served):
    base, _, _ = served
    html = urllib.request.urlopen(base + "docker-basics.html", timeout=30).read().decode()
    (policy,) = META.findall(html)
    script_src = next(part.split()[1:] for part in policy.split(";") if part.split()[:1] == ["script-src"])
    inline = [body for attrs, body in SCRIPT.findall(html) if "src=" not in attrs and "application/json" not in attrs]
    reload_scripts = [body for body in inline if "livereload(" in body]
    assert len(reload_scripts) == 1, "MkDocs did not inject its live-reload script"
    # Every hash belongs to a script of this response, and nothing else was loosened.
    assert sorted(script_src) == sorted(["'self'", *{sha256(body) for body in inline}])
    assert sha256(reload_scripts[0]) in script_src


def test_page_reloads_with_the_change_on_save(served, page, recorder):
    base, project, log = served
    page.goto(base + "en/docker-basics.html", wait_until="load")
    expect(page.locator("article h1")).to_be_visible()
    # The live-reload script ran (the policy would have refused it before).
    assert page.evaluate("typeof window.livereload") == "function", (
        "the live-reload script did not run:\n" + "\n".join(recorder.errors))
    page.evaluate("window.__beforeSave = true")

    marker = f"Live reload check {time.time_ns()}"
    source = project / "docs" / "docker-basics.en.md"  # a translation: its edit keeps the source hash valid
    source.write_text(source.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")

    expect(page.locator("article")).to_contain_text(marker, timeout=120_000)
    assert page.evaluate("window.__beforeSave === undefined"), "the change appeared without a reload"
    page.wait_for_load_state("load")
    assert "Reloading browsers" in log.read_text(encoding="utf-8")
    assert recorder.errors == [], "\n".join(recorder.errors)
