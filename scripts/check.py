"""`make check`: the quick local check to run before `make test` or a pull request.

No root, no Docker daemon, no browser: the strict build (front matter, content
rules of hooks/content_rules.py, translations present, every internal link and
anchor), the Markdown lint (.pymarkdown.yml), the content tests (tests/content:
metadata, code blocks and every `docker` command line checked against the
docker CLI's own `--help`, which needs the `docker` program but no daemon) and
the translations' freshness (scripts/translations.py).

The build runs alongside the other steps (two cores are enough). Each step's
output is shown only when it fails; the last line says how long it all took.
Exit status 1 when any step fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def steps(site_dir: Path) -> list[tuple[str, list[str]]]:
    return [
        ("build estrito, regras de conteúdo, links e âncoras",
         [PY, "scripts/mkdocs_cli.py", "build", "--strict", "--site-dir", str(site_dir)]),
        ("lint do Markdown (.pymarkdown.yml)",
         [PY, "-m", "pymarkdown", "--config", ".pymarkdown.yml", "scan", "docs"]),
        ("conteúdo e comandos docker (tests/content)",
         [PY, "-m", "pytest", "tests/content", "-q", "-p", "no:cacheprovider"]),
        ("traduções em dia (scripts/translations.py)",
         [PY, "scripts/translations.py"]),
    ]


def run(name: str, command: list[str]) -> tuple[str, int, float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    return name, result.returncode, time.perf_counter() - start, result.stdout + result.stderr


def main() -> int:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="check-site-") as tmp:
        build, *others = steps(Path(tmp))
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending = pool.submit(run, *build)
            results = [run(*step) for step in others]
            results.insert(0, pending.result())
    failed = 0
    for name, code, seconds, output in results:
        print(f"{'ok  ' if code == 0 else 'FAIL'} {seconds:5.1f} s  {name}")
        if code == 0 and "skipped" in output:  # e.g. no `docker` program here: say so
            print("     " + output.strip().splitlines()[-1])
        if code != 0:
            failed += 1
            print("     " + output.strip().replace("\n", "\n     "))
    total = time.perf_counter() - start
    print(f"make check: {'tudo certo' if not failed else f'{failed} etapa(s) falharam'} em {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
