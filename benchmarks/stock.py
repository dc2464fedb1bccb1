"""The site side by side with stock Material, built from the same Markdown (issue 17).

At bench time this script writes a stock Material project into a temporary
directory -- the Portuguese pages of docs/ (no ``.en.md``), the assets they
use, the project's nav and the glossary of includes/abbreviations.md appended
to every page with ``pymdownx.snippets``' ``auto_append`` -- configured the way
Material documents it: ``theme: material`` with the site's features,
``font: false``, ``pymdownx.highlight`` with the recommended
``anchor_linenums: true, line_spans: __span``, no hooks, no overrides, no
extra CSS or JavaScript. It builds that and the site, serves both with gzip
(benchmarks/serve_gzip.py, as GitHub Pages does) and runs Lighthouse 12.2.3
(mobile preset) on every Portuguese page and on the theme-only 404 page,
alternating site and stock (and which one goes first, from round to round) so
both see the same machine load. It prints medians over the rounds:

    page | Perf site | Perf stock | TBT site | TBT stock | ratio | KiB site | KiB stock

``ratio`` is site TBT / stock TBT (<= 1.0: the site's customisations cost no
main-thread time beyond the theme's own); ``paired`` is the median, over the
rounds, of the same ratio taken from the two runs of one round, back to back. Lighthouse's simulated throttling
scales the CPU time it observes by the machine's benchmarkIndex, which moves
with the load (~750-2600 here): absolute TBT and Performance move with it,
the ratio much less, which is why the two sites alternate.

    python benchmarks/stock.py                         # every page, 3 rounds
    python benchmarks/stock.py --rounds 1 404.html index.html   # only these pages
    python benchmarks/stock.py --json out.json         # also write every run as JSON
    python benchmarks/stock.py --table out.json        # print the table of saved runs again
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
import lighthouse  # noqa: E402
import serve_gzip  # noqa: E402
from helpers import load_mkdocs_yml, nav_pages  # noqa: E402

FEATURES = [
    "navigation.sections", "navigation.top", "navigation.footer", "search.suggest",
    "search.highlight", "content.code.copy", "content.tooltips", "toc.follow",
]
# Material's documented set-up for these extensions ("Reference" pages of its docs).
MARKDOWN_EXTENSIONS = [
    "abbr", "admonition", "attr_list", "md_in_html", "def_list", "tables", "footnotes",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    "pymdownx.superfences",
    {"pymdownx.highlight": {"anchor_linenums": True, "line_spans": "__span", "pygments_lang_class": True}},
    "pymdownx.inlinehilite",
    {"pymdownx.tabbed": {"alternate_style": True}},
    {"pymdownx.snippets": {"auto_append": ["includes/abbreviations.md"]}},
    "pymdownx.keys",
]
BASELINE_PAGE = "404.html"  # the theme alone: no article


def portuguese_pages() -> list[str]:
    return [page for page in nav_pages() if not page.startswith("en/")]


def stock_project(dest: Path) -> Path:
    """Write the stock Material project (docs/, includes/, mkdocs.yml) into ``dest``."""
    config = load_mkdocs_yml()
    docs = dest / "docs"
    docs.mkdir(parents=True)
    for page in sorted((ROOT / "docs").glob("*.md")):
        if not page.name.endswith(".en.md"):
            shutil.copy2(page, docs / page.name)
    # Diagrams and images the pages reference (the site's own JS/CSS are left out).
    for folder in ("assets/diagramas", "assets/images"):
        if (ROOT / "docs" / folder).is_dir():
            shutil.copytree(ROOT / "docs" / folder, docs / folder)
    (dest / "includes").mkdir()
    shutil.copy2(ROOT / "includes" / "abbreviations.md", dest / "includes" / "abbreviations.md")
    stock = {
        "site_name": config["site_name"],
        "site_description": config.get("site_description"),
        "use_directory_urls": False,
        "theme": {"name": "material", "language": "pt-BR", "font": False, "features": FEATURES},
        "plugins": ["search"],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "nav": config["nav"],
    }
    # SITE_URL comes from the environment at build time.
    text = "site_url: !ENV SITE_URL\n" + yaml.safe_dump(stock, allow_unicode=True, sort_keys=False)
    (dest / "mkdocs.yml").write_text(text, encoding="utf-8")
    return dest


def build_project(project: Path, site_dir: Path, site_url: str, strict: bool = True) -> None:
    """Build ``project`` (the repository or a copy of it) for ``site_url``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    env.pop("OFFLINE", None)
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site_dir)]
    result = subprocess.run(command + (["--strict"] if strict else []), cwd=project, env=env,
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stdout}\n{result.stderr}")


def serve_projects(projects: dict[str, tuple[Path, bool]], tmp: Path) -> tuple[dict[str, str], list]:
    """Build and serve each project; returns ({name: base URL}, servers)."""
    bases, servers = {}, []
    for name, (project, strict) in projects.items():
        port = lighthouse.free_port()
        base = f"http://127.0.0.1:{port}/"
        site = tmp / f"site-{name}"
        print(f"building {name} ({project}) for {base} ...", flush=True)
        build_project(project, site, base, strict)
        server, base = serve_gzip.start(site, port)
        servers.append(server)
        bases[name] = base
    return bases, servers


def measure_alternating(bases: dict[str, str], pages: list[str], rounds: int, echo=None) -> list[dict]:
    """Lighthouse on every page of every site, ``rounds`` times; the sites take
    turns page by page, and the order of the sites rotates from round to round."""
    names = list(bases)
    runs = []
    for number in range(rounds):
        order = names[number % len(names):] + names[:number % len(names)]
        for page in pages:
            for name in order:
                row = lighthouse.summarize(page, lighthouse.run_lighthouse(bases[name] + page))
                run = {"site": name, "round": number + 1, "page": page,
                       **{key: row[key] for key in ("performance", "tbt_ms", "bytes", "lcp_ms", "benchmark_index")}}
                runs.append(run)
                if echo:
                    echo(run)
    return runs


def medians(runs: list[dict], site: str, page: str) -> dict:
    mine = [run for run in runs if run["site"] == site and run["page"] == page]
    return {
        "performance": statistics.median(run["performance"] for run in mine),
        "tbt_ms": statistics.median(run["tbt_ms"] for run in mine),
        "tbt_all": sorted(run["tbt_ms"] for run in mine),
        "bytes": statistics.median(run["bytes"] for run in mine),
    }


def ratio(site_tbt: float, stock_tbt: float) -> str:
    if stock_tbt == 0:
        return "1.00" if site_tbt == 0 else "inf"
    return f"{site_tbt / stock_tbt:.2f}"


def paired_ratio(runs: list[dict], page: str, left: str = "site", right: str = "stock") -> str:
    """Median over rounds of left/right TBT measured back to back in the same round:
    less exposed to the machine's load drifting between rounds than a ratio of medians."""
    ratios = []
    for number in sorted({run["round"] for run in runs}):
        pair = {run["site"]: run["tbt_ms"] for run in runs if run["page"] == page and run["round"] == number}
        if left in pair and right in pair and pair[right] > 0:
            ratios.append(pair[left] / pair[right])
    return f"{statistics.median(ratios):.2f}" if ratios else "n/a"


def table(runs: list[dict], pages: list[str], left: str = "site", right: str = "stock") -> str:
    lines = [f"{'page':28} | {'Perf ' + left:>10} | {'Perf ' + right:>10} | {'TBT ' + left:>9} | "
             f"{'TBT ' + right:>9} | {'ratio':>5} | {'KiB ' + left:>9} | {'KiB ' + right:>9} | paired | TBT runs {left} / {right}"]
    for page in pages:
        a, b = medians(runs, left, page), medians(runs, right, page)
        lines.append(
            f"{page:28} | {a['performance']:10.0f} | {b['performance']:10.0f} | {a['tbt_ms']:9.0f} | "
            f"{b['tbt_ms']:9.0f} | {ratio(a['tbt_ms'], b['tbt_ms']):>5} | {a['bytes'] / 1024:9.1f} | "
            f"{b['bytes'] / 1024:9.1f} | {paired_ratio(runs, page, left, right):>6} | {a['tbt_all']} / {b['tbt_all']}")
    index = statistics.median(run["benchmark_index"] or 0 for run in runs)
    spread = sorted(run["benchmark_index"] or 0 for run in runs)
    lines.append(f"\nbenchmarkIndex median {index:.0f} (min {spread[0]:.0f}, max {spread[-1]:.0f}) over {len(runs)} runs: "
                 f"{lighthouse.machine_class(index)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to measure (default: every Portuguese page and 404.html)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per page and site (default 3); medians are printed")
    parser.add_argument("--json", type=Path, help="write every run to this file")
    parser.add_argument("--table", type=Path, help="print the table of runs saved with --json, measure nothing")
    args = parser.parse_args(argv)
    pages = args.pages or [BASELINE_PAGE, *portuguese_pages()]
    if args.table:
        runs = json.loads(args.table.read_text(encoding="utf-8"))
        print(table(runs, [page for page in pages if any(run["page"] == page for run in runs)]))
        return 0
    version = json.loads((ROOT / "tools/node_modules/lighthouse/package.json").read_text())["version"]
    with tempfile.TemporaryDirectory(prefix="stock-") as tmp:
        tmp = Path(tmp)
        stock = stock_project(tmp / "stock")
        bases, servers = serve_projects({"site": (ROOT, True), "stock": (stock, False)}, tmp)
        print(f"Lighthouse {version}, mobile preset, {args.rounds} round(s), site and stock alternating, gzip", flush=True)
        try:
            runs = measure_alternating(bases, pages, args.rounds, echo=lambda run: print(
                f"  round {run['round']} {run['site']:5} {run['page']:28} perf {run['performance']:3d} "
                f"TBT {run['tbt_ms']:4d} ms {run['bytes'] / 1024:6.1f} KiB (benchmarkIndex {run['benchmark_index']:.0f})",
                flush=True))
        finally:
            for server in servers:
                server.shutdown()
    print()
    print(table(runs, pages))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
