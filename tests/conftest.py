"""Session fixtures: one strict build of the site, one web server, one offline edition.

The suite runs in parallel (pytest-xdist, ``make test``): each worker is a pytest
process of its own, so a plain session fixture would build the site once per
worker. The expensive things below are made once per test run instead, by the
first worker that needs them (``once``: a file lock in the run's temporary
directory), and every worker reuses them: the strict build, the server that
serves it (its own process, tests/site_server.py) and the offline edition.
Without xdist the same code runs in the single pytest process.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers import CHROMIUM, ROOT, block_non_file_requests, mkdocs_build, require

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1"… under xdist, else None
# The process whose end ends the run: xdist's controller is each worker's parent.
RUN_OWNER = os.getppid() if WORKER else os.getpid()


# --- Made once per run, shared by every worker. --------------------------------


def run_dir(tmp_path_factory) -> Path:
    """The run's temporary directory, the same for every worker (xdist gives
    each worker a subdirectory of it as its own basetemp)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if WORKER else base


def once(tmp_path_factory, name: str, make):
    """``make(directory)`` for the first caller of the run, its (JSON) result for
    every caller. A failure or a skip is recorded too, so every worker reports
    it instead of trying again."""
    run = run_dir(tmp_path_factory)
    record = run / f"{name}.json"
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            try:
                outcome = {"value": make(run / name)}
            except pytest.skip.Exception as exc:
                outcome = {"skip": str(exc.msg)}
            except (Exception, pytest.fail.Exception) as exc:
                outcome = {"error": f"{name}: {exc}"}
            record.write_text(json.dumps(outcome), encoding="utf-8")
    outcome = json.loads(record.read_text(encoding="utf-8"))
    if "skip" in outcome:
        pytest.skip(outcome["skip"])
    if "error" in outcome:
        pytest.fail(outcome["error"], pytrace=False)
    return outcome["value"]


def start_server(site: Path) -> str:
    """tests/site_server.py serving ``site``; returns its URL once it listens."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "site_server.py"), str(site), str(RUN_OWNER)],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), f"the test server did not start (exit {process.poll()})"
    (site.parent / "server.pid").write_text(str(process.pid))
    return url


def _site(directory: Path) -> dict:
    directory.mkdir()
    site = directory / "site"
    url = start_server(site)  # the port is held before the site is built for it
    result = mkdocs_build(ROOT, site, env={"SITE_URL": url})
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return {"url": url, "site": str(site), "args": result.args, "stdout": result.stdout, "stderr": result.stderr}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> dict:
    """The strict build of the repository, built for (and served at) the test
    server's URL, as the deploy builds for the GitHub Pages URL."""
    return once(tmp_path_factory, "site", _site)


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    return built_site["url"]


@pytest.fixture(scope="session")
def build(built_site):
    """(the build's CompletedProcess, the site directory)."""
    result = subprocess.CompletedProcess(built_site["args"], 0, built_site["stdout"], built_site["stderr"])
    return result, Path(built_site["site"])


@pytest.fixture(scope="session")
def site_dir(build) -> Path:
    return build[1]


@pytest.fixture(scope="session")
def server(built_site) -> str:
    """The built site on 127.0.0.1 at ``site_url``, gzip-compressed like GitHub Pages."""
    return built_site["url"]


# --- The offline edition: built with OFFLINE=true, packed, unzipped. -------

sys.path.insert(0, str(ROOT / "scripts"))
import pack_offline  # noqa: E402


def _offline(work: Path) -> dict:
    work.mkdir()
    if not (ROOT / "tools" / "node_modules" / "iframe-worker").is_dir():
        subprocess.run(["npm", "ci", "--prefix", str(ROOT / "tools"), "--no-audit", "--no-fund"], check=True)
    result = mkdocs_build(ROOT, work / "site-offline", env={"OFFLINE": "true"})
    assert result.returncode == 0, f"offline build failed:\n{result.stdout}\n{result.stderr}"
    target = work / "docker-basico-offline.zip"
    pack_offline.pack(work / "site-offline", target)
    # Where a reader would unzip it: the single top folder.
    dest = work / "unzipped"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(dest)
    tops = list(dest.iterdir())
    assert len(tops) == 1, f"the zip has {len(tops)} top folders"
    return {"zip": str(target), "root": str(tops[0])}


@pytest.fixture(scope="session")
def offline_edition(tmp_path_factory) -> dict:
    return once(tmp_path_factory, "offline", _offline)


@pytest.fixture(scope="session")
def offline_zip(offline_edition) -> Path:
    return Path(offline_edition["zip"])


@pytest.fixture(scope="session")
def offline_root(offline_edition) -> Path:
    """The unzipped edition's top folder (tests only read it)."""
    return Path(offline_edition["root"])


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


# Playwright's expect() gives up after 5 s by default. That bound is for a
# failing test, never waited for by a passing one; a machine running several
# browsers at once (xdist workers, a shared CI runner) needs a looser one.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM}; apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


# --- Parallel runs: what shares a worker, what runs first. ---------------------

# Tests that must run one after another in a single worker, longest first so
# that they start at once: docs_exec shares one private dockerd (and the host
# ports its examples publish); Lighthouse measures timings, so one page at a
# time; the HTML checker validates the whole site in one Java run (a session
# fixture, which each worker would otherwise run again).
GROUPS = {
    "tests/docs_exec/": "docker",
    "tests/quality/test_lighthouse.py": "lighthouse",
    "tests/quality/test_html.py": "vnu",
}


def group_of(nodeid: str) -> str | None:
    return next((group for prefix, group in GROUPS.items() if nodeid.startswith(prefix)), None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` with GROUPS: each group is one unit of work (one
    worker, in order), every other test is a unit of its own.

    xdist's own loadgroup reads ``xdist_group`` marks by renaming each node id,
    which pytest 9 no longer lets it do (the marks are silently ignored), so
    the grouping is done here, in the scheduler, from the node ids."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return group_scheduling()(config, log)


def group_scheduling():
    """xdist's LoadScopeScheduling whose units of work are GROUPS (imported
    late: xdist is a test dependency, and only the scheduler needs it)."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or nodeid

    return GroupScheduling


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Grouped tests first, in GROUPS order; the rest as collected."""
    order = list(GROUPS.values())
    items.sort(key=lambda item: order.index(group_of(item.nodeid)) if group_of(item.nodeid) else len(order))


# --- Summaries printed at the end of the run. ----------------------------------
# Under xdist the folders' conftests run in the workers, and the terminal is the
# controller's: each worker sends what its conftests would print
# (``terminal_summary_lines``), and the controller prints it once.

_FROM_WORKERS: list[dict] = []


def _local_summaries(config) -> dict:
    """What this process' folder conftests have to report: search hit rates
    and Lighthouse rows as data (merged across workers), the rest as text."""
    out: dict = {"search": {}, "lighthouse": {}, "text": []}
    search = sys.modules.get("search_helpers")
    if search is not None:
        out["search"] = {k: list(v) for k, v in search.RESULTS.items()}
    quality = sys.modules.get("quality_helpers")
    if quality is not None:
        out["lighthouse"] = dict(quality.LIGHTHOUSE_ROWS)
    for plugin in config.pluginmanager.get_plugins():
        hook = getattr(plugin, "pytest_terminal_summary", None)
        path = getattr(plugin, "__file__", "") or ""
        if hook is None or not path.endswith("conftest.py") or Path(path).parent == Path(__file__).parent:
            continue
        buffer = io.StringIO()
        writer = pytest.TerminalReporter(config, buffer)
        hook(**{name: value for name, value in {"terminalreporter": writer, "exitstatus": 0, "config": config}.items()
                if name in hook.__code__.co_varnames[: hook.__code__.co_argcount]})
        if buffer.getvalue().strip():
            out["text"].append(buffer.getvalue())
    return out


def pytest_sessionfinish(session):
    if WORKER and hasattr(session.config, "workeroutput"):
        session.config.workeroutput["summaries"] = json.dumps(_local_summaries(session.config))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    summaries = getattr(node, "workeroutput", {}).get("summaries")
    if summaries:
        _FROM_WORKERS.append(json.loads(summaries))


def pytest_terminal_summary(terminalreporter):
    if not _FROM_WORKERS:
        # One process: the folder conftests print their own summaries, except
        # the two below, which live here so that workers' results can merge.
        parts = [{"search": {k: list(v) for k, v in getattr(sys.modules.get("search_helpers"), "RESULTS", {}).items()},
                  "lighthouse": dict(getattr(sys.modules.get("quality_helpers"), "LIGHTHOUSE_ROWS", {})),
                  "text": []}]
    else:
        parts = _FROM_WORKERS
    search: dict[str, list[bool]] = {}
    rows: dict[str, dict] = {}
    for part in parts:
        for transport, outcomes in part["search"].items():
            search.setdefault(transport, []).extend(outcomes)
        rows.update(part["lighthouse"])
        for text in part["text"]:
            terminalreporter.write(text)
    for transport, outcomes in sorted(search.items()):
        if outcomes:
            rate = 100 * sum(outcomes) / len(outcomes)
            terminalreporter.write_line(
                f"search hit rate ({transport}): {sum(outcomes)}/{len(outcomes)} queries = {rate:.0f}% in top 3"
            )
    if rows:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import lighthouse

        terminalreporter.write_sep("-", "Lighthouse (mobile, gzip)")
        terminalreporter.write_line(lighthouse.HEADER)
        for page in sorted(rows):
            terminalreporter.write_line(lighthouse.format_row(rows[page]))
