"""`make bench`: build time against the MkDocs floor, and page weights.

Prints the median of 5 strict builds of the site and, measured in the same run,
the median of 5 bare `mkdocs build` runs of the same Markdown with MkDocs'
default theme and no plugins (the floor). Target: site <= 2x floor.
Then `make check` once, warm (target <= 60 s on a 2-core machine), with the
CPU time it used, since wall time on a shared machine depends on its load.
Then each page's weight: its HTML, and the HTML plus every local file it
loads (stylesheets, scripts, images), raw and gzip-compressed.
"""

from __future__ import annotations

import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed_build(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", *args], cwd=cwd, env=ENV,
                   check=True, capture_output=True)
    return time.perf_counter() - start


def bench_builds(work: Path) -> tuple[float, float]:
    floor_dir = work / "floor"
    floor_dir.mkdir()
    (floor_dir / "mkdocs.yml").write_text(
        f"site_name: floor\ndocs_dir: {ROOT / 'docs'}\nplugins: []\n", encoding="utf-8"
    )
    ours, floor = [], []
    for i in range(RUNS):  # interleaved, so drift affects both alike
        ours.append(timed_build(["--strict", "--site-dir", str(work / f"site-{i}")], ROOT))
        floor.append(timed_build(["--site-dir", str(work / f"floor-{i}")], floor_dir))
    return statistics.median(ours), statistics.median(floor)


LOADS = re.compile(r'<(?:script|img|source)[^>]+src="([^"]+)"|<link[^>]+rel="(?:stylesheet|icon|modulepreload)"[^>]+href="([^"]+)"')


def page_weights(site: Path) -> list[tuple[str, int, int, int]]:
    rows = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_bytes()
        total, total_gz = len(html), len(gzip.compress(html))
        seen = set()
        for match in LOADS.finditer(html.decode("utf-8")):
            ref = (match.group(1) or match.group(2)).split("#")[0].split("?")[0]
            if re.match(r"^(https?:|data:|//)", ref):
                continue
            target = (page.parent / ref).resolve()
            if target in seen or not target.is_file():
                continue
            seen.add(target)
            data = target.read_bytes()
            total += len(data)
            total_gz += len(gzip.compress(data))
        rows.append((page.relative_to(site).as_posix(), len(html), total, total_gz))
    return rows


CHECK_TARGET = 60.0


def bench_check() -> tuple[float, float]:
    """Wall and CPU seconds of one warm `make check` (its steps' CPU included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["make", "-s", "check"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours, floor = bench_builds(work)
        ratio = ours / floor
        print(f"build (median of {RUNS}): site {ours:.2f} s | floor (mkdocs theme, no plugins) {floor:.2f} s "
              f"| ratio {ratio:.2f}x (target <= 2.00x) {'OK' if ratio <= 2 else 'OVER TARGET'}")
        wall, cpu = bench_check()
        print(f"make check (warm): {wall:.1f} s wall, {cpu:.1f} s CPU, {os.cpu_count()} cores "
              f"(target <= {CHECK_TARGET:.0f} s) {'OK' if wall <= CHECK_TARGET else 'OVER TARGET'}; "
              f"load average {os.getloadavg()[0]:.1f}")
        print()
        print(f"{'page':45} {'html B':>9} {'with assets B':>14} {'gzip B':>9}")
        for name, html, total, gz in page_weights(work / "site-0"):
            print(f"{name:45} {html:9d} {total:14d} {gz:9d}")


if __name__ == "__main__":
    main()
