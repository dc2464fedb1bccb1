"""Lighthouse on every page of both languages, served with gzip as GitHub Pages does.

Standalone (``make bench`` calls it): builds the site with ``SITE_URL`` set to
a local server's URL into a temporary directory, serves it with
benchmarks/serve_gzip.py on 127.0.0.1, runs Lighthouse 12.2.3 (pinned in
tools/package.json; ``npm ci --prefix tools``) with the mobile preset on each
page in turn, and prints one row per page: the four category scores, the bytes
transferred (Lighthouse's total-byte-weight: the page and everything it loads,
as sent over the wire) and the Largest Contentful Paint.

    python benchmarks/lighthouse.py                 # build, serve, measure all pages
    python benchmarks/lighthouse.py --site DIR --url URL   # measure an already served site
    python benchmarks/lighthouse.py --json out.json        # also write the rows as JSON
    python benchmarks/lighthouse.py index.html en/index.html   # only these pages
    python benchmarks/lighthouse.py --check         # exit 1 when a page is over budget
    LIGHTHOUSE_CPU_MULTIPLIER=2 python benchmarks/lighthouse.py   # calibrated CPU slowdown

Budgets: Performance >= 90 (printed, not asserted: simulated throttling scales
the CPU time it observes, so the score moves with the machine's load);
Accessibility, Best Practices and SEO = 100; every page <= 100 KiB transferred,
the home page <= 75 KiB. tests/quality/test_lighthouse.py asserts all but
Performance on ``sample_pages`` (each language's home page and heaviest page).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
import serve_gzip  # noqa: E402
from helpers import built_pages, language_prefixes  # noqa: E402  (pages of every language, from mkdocs.yml)

CHROME = os.environ.get("CHROME_PATH", "/usr/lib/chromium/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
LIGHTHOUSE_BIN = ROOT / "tools" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# Budgets, shared with tests/quality. Performance: issue 17's target, 90 on every
# page of both languages (issue 8 had asked for 98, which the long pages cannot
# reach with Material's own start-up script; stock Material scores 65-79 on them in
# benchmarks/stock.py, 2026-12-02).
MIN_PERFORMANCE = 90
# Weights in KiB, as Lighthouse reports them ("Total size was 75 KiB").
WEIGHT_BUDGET = 100 * 1024  # bytes transferred by any page, everything it loads included
HOME_WEIGHT_BUDGET = 75 * 1024  # bytes transferred by each language's home page
HOME_PAGES = tuple(prefix + "index.html" for prefix in language_prefixes())
BASELINE_PAGE = "404.html"


def static_weight(site: Path, page: str) -> int:
    """A quick estimate of what ``page`` transfers: its HTML and every local
    file it references (scripts, stylesheets, images), gzip-compressed like
    the server sends them. Used only to pick the pages worth a Lighthouse run."""
    import gzip
    import re
    from urllib.parse import urljoin, urlsplit

    html = (site / page).read_bytes()
    total = len(gzip.compress(html, compresslevel=6, mtime=0))
    seen = set()
    for ref in re.findall(rb'<(?:script|img|link)\b[^>]*?(?:src|href)="([^"#?]+)', html):
        target = urlsplit(urljoin("/" + page, ref.decode())).path.lstrip("/")
        path = site / target
        if target in seen or not path.is_file() or path.suffix == ".html":
            continue
        seen.add(target)
        data = path.read_bytes()
        total += len(gzip.compress(data, compresslevel=6, mtime=0)) if path.suffix in (".js", ".css", ".svg", ".json") else len(data)
    return total


def sample_pages(site: Path) -> dict[str, str]:
    """The pages the test suite measures (``make bench`` measures them all):
    each language's home page (the home budget) and its heaviest other page
    by ``static_weight`` (the page budget's worst case). Every page shares the
    theme's scripts and styles; the HTML and the diagrams are what differ."""
    sample = {}
    for prefix in language_prefixes():
        lang = prefix.rstrip("/") or "pt"
        pages = [page for page in built_pages() if page.startswith(prefix) and "/" not in page[len(prefix):]]
        home = prefix + "index.html"
        sample[f"{lang}-home"] = home
        sample[f"{lang}-heaviest"] = max((p for p in pages if p != home), key=lambda p: static_weight(site, p))
    return sample


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(site_dir: Path, site_url: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    env.pop("OFFLINE", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(f"strict build failed:\n{result.stdout}\n{result.stderr}")


# Lighthouse's default CPU slowdown (4x) is calibrated for a high-end desktop
# host; LIGHTHOUSE_CPU_MULTIPLIER overrides it (docs/throttling.md upstream).
CPU_MULTIPLIER = os.environ.get("LIGHTHOUSE_CPU_MULTIPLIER", "")


def lighthouse_command(url: str) -> list[str]:
    npx = shutil.which("npx") or "npx"
    command = [
        npx, "--no", "--prefix", str(ROOT / "tools"), "lighthouse", url,
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json", "--output-path=stdout", "--quiet",
    ]
    if CPU_MULTIPLIER:
        command.append(f"--throttling.cpuSlowdownMultiplier={CPU_MULTIPLIER}")
    return command


def run_lighthouse(url: str, raw_json: Path | None = None) -> dict:
    """One Lighthouse run (mobile preset, the default); returns the full report."""
    if not LIGHTHOUSE_BIN.exists():
        raise FileNotFoundError(f"{LIGHTHOUSE_BIN} is missing: run `npm ci --prefix tools`")
    env = {**os.environ, "CHROME_PATH": CHROME}
    result = subprocess.run(lighthouse_command(url), env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stderr[-3000:]}")
    if raw_json:
        raw_json.write_text(result.stdout, encoding="utf-8")
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse runtime error on {url}: {report['runtimeError']}")
    return report


def summarize(page: str, report: dict) -> dict:
    """The row printed and asserted: scores 0-100, bytes, LCP, and what lost points."""
    audits = report["audits"]
    scores = {cat: round(100 * (report["categories"][cat]["score"] or 0)) for cat in CATEGORIES}
    losses = []
    for cat in CATEGORIES:
        for ref in report["categories"][cat]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                losses.append(f"{cat}: {ref['id']} score {audit['score']:.2f}{value}")
    requests = [
        {"url": item["url"], "transfer": item.get("transferSize", 0), "status": item.get("statusCode")}
        for item in audits["network-requests"]["details"]["items"]
    ]
    return {
        "page": page,
        **scores,
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "lcp_ms": int(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": int(audits["total-blocking-time"]["numericValue"]),
        "benchmark_index": report["environment"].get("benchmarkIndex"),
        "losses": losses,
        "requests": requests,
        "console": [item.get("description", "") for item in (audits["errors-in-console"].get("details") or {}).get("items", [])],
    }


def measure_page(base_url: str, page: str, retries: int = 0, raw_dir: Path | None = None) -> dict:
    """One page's row. Simulated throttling scales the CPU time observed on
    this machine, so a busy machine lowers Performance: when a run scores under
    the budget, run ``retries`` more times and keep the run with the median
    Performance (``runs`` lists every run's score)."""
    rows = []
    for attempt in range(1 + retries):
        raw = raw_dir / (page.replace("/", "__") + (f".{attempt}" if attempt else "") + ".json") if raw_dir else None
        rows.append(summarize(page, run_lighthouse(base_url + page, raw)))
        if rows[0]["performance"] >= MIN_PERFORMANCE:
            break
    chosen = sorted(rows, key=lambda row: row["performance"])[len(rows) // 2]
    return {**chosen, "runs": [row["performance"] for row in rows]}


def measure(base_url: str, pages: list[str], raw_dir: Path | None = None, echo=None, retries: int = 0) -> list[dict]:
    rows = []
    for page in pages:
        row = measure_page(base_url, page, retries, raw_dir)
        rows.append(row)
        if echo:
            echo(row)
    return rows


HEADER = f"{'page':34} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'KiB (gzip)':>10} {'LCP s':>6} {'TBT ms':>7}  runs"


def format_row(row: dict) -> str:
    return (f"{row['page']:34} {row['performance']:4d} {row['accessibility']:4d} {row['best-practices']:4d} "
            f"{row['seo']:4d} {row['bytes'] / 1024:10.1f} {row['lcp_ms'] / 1000:6.2f} {row['tbt_ms']:7d}"
            + (f"  perf {row['runs']}" if len(row.get("runs", [])) > 1 else ""))


def machine_class(index: float) -> str:
    """Lighthouse's throttling guide (docs/throttling.md): the default 4x CPU
    slowdown turns a high-end desktop (benchmarkIndex 1500-2000) into a
    mid-tier phone; on a low-end desktop (1000-1500) it suggests 2x."""
    if index >= 1500:
        return "a high-end desktop in Lighthouse's table: the default 4x slowdown applies"
    if index >= 1000:
        return "a low-end desktop in Lighthouse's table: its guide suggests LIGHTHOUSE_CPU_MULTIPLIER=2"
    return "slower than Lighthouse expects (it warns under 1000): scores are pessimistic"


def budget_problems(row: dict) -> list[str]:
    problems = []
    if row["performance"] < MIN_PERFORMANCE:
        problems.append(f"performance {row['performance']} < {MIN_PERFORMANCE}")
    for cat in CATEGORIES[1:]:
        if row[cat] != 100:
            problems.append(f"{cat} {row[cat]} != 100")
    limit = HOME_WEIGHT_BUDGET if row["page"] in HOME_PAGES else WEIGHT_BUDGET
    if row["bytes"] > limit:
        problems.append(f"{row['bytes'] / 1024:.1f} KiB transferred > {limit / 1024:.0f} KiB")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to measure (default: every page of both languages)")
    parser.add_argument("--site", type=Path, help="an already built site directory to serve (with --url's port)")
    parser.add_argument("--url", help="base URL of an already running server (skips build and serve)")
    parser.add_argument("--json", type=Path, help="write the rows to this file")
    parser.add_argument("--raw", type=Path, help="keep each page's full Lighthouse report in this directory")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page is over budget")
    parser.add_argument("--retries", type=int, default=0,
                        help="extra runs for a page under the Performance budget; the median run counts")
    args = parser.parse_args(argv)
    pages = args.pages or built_pages()
    # Baseline of the same run: the theme alone (the 404 page has no article),
    # so a page's distance from it is what its content costs.
    baseline = None if args.pages else BASELINE_PAGE
    if args.raw:
        args.raw.mkdir(parents=True, exist_ok=True)

    def echo(row):
        print(format_row(row), flush=True)

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        server = None
        if args.url:
            base = args.url.rstrip("/") + "/"
            if args.site:
                server, base = serve_gzip.start(args.site, int(base.rsplit(":", 1)[1].strip("/")))
        else:
            port = free_port()
            base = f"http://127.0.0.1:{port}/"
            site = args.site or Path(tmp) / "site"
            if not args.site:
                print(f"building the site for {base} ...", flush=True)
                build(site, base)
            server, base = serve_gzip.start(site, port)
        version = json.loads((ROOT / "tools/node_modules/lighthouse/package.json").read_text())["version"]
        cpu = f"CPU slowdown {CPU_MULTIPLIER}x" if CPU_MULTIPLIER else "default CPU slowdown (4x)"
        print(f"Lighthouse {version}, mobile preset, {cpu}, served with gzip at {base}", flush=True)
        print(HEADER, flush=True)
        try:
            if baseline:
                base_row = measure_page(base, baseline, 0, args.raw)
                print(format_row({**base_row, "page": f"{baseline} (baseline)"}), flush=True)
            rows = measure(base, pages, args.raw, echo, args.retries)
        finally:
            if server:
                server.shutdown()
    perf = sorted(row["performance"] for row in rows)
    tbt = sorted(row["tbt_ms"] for row in rows)
    print(f"\nmedian over {len(rows)} pages: Performance {perf[len(perf) // 2]}, TBT {tbt[len(tbt) // 2]} ms"
          + (f" (baseline {baseline}: Performance {base_row['performance']}, TBT {base_row['tbt_ms']} ms)" if baseline else ""))
    index = sorted(row["benchmark_index"] or 0 for row in rows)[len(rows) // 2]
    print(f"this machine's Lighthouse benchmarkIndex (median): {index:.0f}, {machine_class(index)}")
    failed = 0
    for row in rows:
        problems = budget_problems(row)
        if problems:
            failed += 1
            print(f"\n{row['page']}: OVER BUDGET: {'; '.join(problems)}")
            for loss in row["losses"]:
                print(f"  - {loss}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(f"\n{len(rows) - failed}/{len(rows)} pages within budget "
          f"(perf >= {MIN_PERFORMANCE}, a11y/bp/seo = 100, <= {WEIGHT_BUDGET // 1024} KiB, home <= {HOME_WEIGHT_BUDGET // 1024} KiB)")
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
