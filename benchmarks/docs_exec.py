"""`make bench`: how long the executed documentation takes (issue 9: whole run <= 5 min).

Runs what `pytest tests/docs_exec` runs, without pytest, and times each part:
starting the private dockerd, providing the three images (pulled where a registry
answers, otherwise built locally: the debootstrap base and the nginx image come from
the weekly cache in ~/.cache/docker-basico unless --fresh), each page's scenario, and
the teardown. Needs root (or passwordless sudo), like the tests.

    python benchmarks/docs_exec.py            # as the tests run it (cache allowed)
    python benchmarks/docs_exec.py --fresh    # cold: an empty image cache, as on a new machine
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "content"), str(ROOT / "tests" / "docs_exec")]

BUDGET = 300.0  # seconds, issue 9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="build the images with an empty cache")
    args = parser.parse_args()

    fresh_cache = tempfile.TemporaryDirectory(prefix="dkb-bench-cache-") if args.fresh else None
    if fresh_cache:
        os.environ["XDG_CACHE_HOME"] = fresh_cache.name

    from dx_clients import provision_session, setup_clients
    from dx_engine import Engine, can_be_root, host_lock
    from dx_scenario import plan
    from helpers import source_pages

    ok, how = can_be_root()
    if not ok:
        print(f"docs_exec benchmark: skipped ({how}; dockerd needs root)")
        return 0

    total_start = time.perf_counter()
    engine = Engine()
    rows: list[tuple[str, float, str]] = []
    failed = False
    description = ""
    try:
        start = time.perf_counter()
        engine.start()
        rows.append(("engine start", time.perf_counter() - start, engine.mode))

        clients = setup_clients(engine)
        description = clients.description
        start = time.perf_counter()
        docs = provision_session(engine, clients)
        images = docs.images
        detail = ", ".join(f"{k} {v:.1f} s" for k, v in images.timings.items())
        rows.append(("images", time.perf_counter() - start, f"{images.source}: {detail}"))

        with tempfile.TemporaryDirectory(prefix="dkb-bench-pages-") as tmp:
            for path in source_pages():
                if not any(step.kind == "run" for step in plan(path)):
                    continue
                work = Path(tmp) / path.stem
                with host_lock("pages"):  # other docs_exec runs publish the same host ports
                    start = time.perf_counter()
                    result = docs.runner(work / "docker-config").run(path, work / "work", work / "state")
                    docs.reset()
                    seconds = time.perf_counter() - start
                failed |= bool(result.failures)
                run = [r for r in result.results if r.kind == "run" and r.status in ("passed", "failed")]
                note = (f"{len(run)} blocks run, {sum(r.status == 'passed' for r in run)} passed, "
                        f"{result.count('skipped')} skipped" + (f", {len(result.failures)} FAILED" if result.failures else ""))
                rows.append((f"page {path.stem}", seconds, note))
                for r in result.failures:
                    problems = r.comparison.problems if r.comparison else [r.command]
                    rows.append((f"  FAILED {path.name}:{r.line}", 0.0, f"{r.reason}: {'; '.join(problems)[:300]}"))
    finally:
        start = time.perf_counter()
        engine.stop()
        rows.append(("teardown", time.perf_counter() - start, ""))
        if fresh_cache:
            fresh_cache.cleanup()

    total = time.perf_counter() - total_start
    pages = sum(s for name, s, _ in rows if name.startswith("page "))
    print(f"docs_exec ({'fresh image cache' if args.fresh else 'image cache allowed'}): {description}")
    for name, seconds, note in rows:
        print(f"  {name:32} {seconds:7.1f} s  {note}")
    print(f"  {'all page scenarios':32} {pages:7.1f} s")
    verdict = "OK" if total <= BUDGET else "OVER BUDGET"
    print(f"docs_exec total {total:.1f} s (budget {BUDGET:.0f} s) {verdict}" + ("; SOME PAGES FAILED" if failed else ""))
    return 1 if failed or total > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
