"""Browser fixtures: a request recorder and a console recorder on every page."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pt-BR", "service_workers": "block"}


class Recorder:
    def __init__(self, page):
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request):
        # A navigation cancels what the previous page was still loading
        # (net::ERR_ABORTED); that is the browser's doing, not a broken request.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def foreign(self, allowed_host: str = "127.0.0.1") -> list[str]:
        out = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname != allowed_host:
                out.append(url)
        return out


@pytest.fixture
def recorder(page):
    return Recorder(page)
