"""Session fixtures for the executed examples: a private dockerd and the three images.

Everything here is session-scoped and started only when a test of this folder asks
for it, so the rest of the suite never pays for it. The per-page summary lines are
printed at the end of the run (`pytest_terminal_summary`), with or without `-s`.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "content"))  # markdown_blocks

from dx_clients import provision_session, setup_clients  # noqa: E402
from dx_engine import Engine, EngineError, can_be_root  # noqa: E402
from dx_report import SESSION, write_report  # noqa: E402
from helpers import IN_CI, require  # noqa: E402


@pytest.fixture(scope="session")
def docs_engine():
    """The private dockerd with busybox, debian:bookworm-slim and nginx (dx_clients.DocsEngine)."""
    ok, how = can_be_root()
    require(ok, f"root for the executed examples (dockerd needs it; {how})")
    require(shutil.which("dockerd") is not None, "dockerd (apt-get install docker.io)")
    engine = Engine()
    started = time.perf_counter()
    try:
        engine.start()
    except EngineError as exc:
        SESSION.error = str(exc)
        engine.stop()
        if IN_CI:
            pytest.fail(f"could not start the test dockerd: {exc}")
        pytest.skip(f"could not start the test dockerd here: {exc}")
    SESSION.engine_seconds = time.perf_counter() - started
    SESSION.engine_mode = engine.mode
    try:
        clients = setup_clients(engine)
        SESSION.clients = clients.description
        started = time.perf_counter()
        docs = provision_session(engine, clients)
        SESSION.provisioning = docs.images
        SESSION.provisioning_seconds = time.perf_counter() - started
        yield docs
    except EngineError as exc:
        SESSION.error = str(exc)
        pytest.fail(str(exc))
    finally:
        SESSION.cleanup = engine.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not SESSION.pages and not SESSION.error and not SESSION.engine_mode:
        return
    if os.environ.get("DOCS_EXEC_REPORT"):
        write_report(os.environ["DOCS_EXEC_REPORT"])
    tr = terminalreporter
    tr.section("executed documentation (tests/docs_exec)")
    if SESSION.engine_mode:
        tr.write_line(f"engine: dockerd {SESSION.engine_mode}; ready in {SESSION.engine_seconds:.1f} s")
    if SESSION.clients:
        tr.write_line(f"clients: {SESSION.clients}")
    if SESSION.provisioning:
        p = SESSION.provisioning
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in p.timings.items())
        tr.write_line(f"images: {p.source} in {SESSION.provisioning_seconds:.1f} s ({parts})")
        for note in p.notes:
            tr.write_line(f"  - {note}")
    if SESSION.error:
        tr.write_line(f"ERROR: {SESSION.error}")
    for page in SESSION.pages:
        tr.write_line(page.summary())
        for r in page.results:
            if r.status == "skipped" and r.kind == "skip":
                continue
            if r.output_note:
                tr.write_line(f"    line {r.line}: {r.output_note}")
        for left in page.not_cleaned:
            tr.write_line(f"    NOT CLEANED by the page: {left}")
        for left in page.leftovers:
            tr.write_line(f"    left behind (removed): {left}")
    if SESSION.cleanup:
        tr.write_line("teardown: " + "; ".join(SESSION.cleanup[:6]) +
                      (f"; … {len(SESSION.cleanup) - 6} more" if len(SESSION.cleanup) > 6 else ""))
    if IN_CI:
        tr.write_line("(CI=true: a missing engine fails instead of skipping)")
