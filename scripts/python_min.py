"""The oldest Python the pinned dependencies accept: scripts/python-min.txt.

    python scripts/python_min.py            # print the minimum the installed pins declare
    python scripts/python_min.py --write    # store it in scripts/python-min.txt (`make lock` does)

The Makefile needs the minimum before `.venv` exists (scripts/find-python.sh
reads the committed file), so it cannot ask the packages themselves. This
script derives it from the packages pinned in requirements*.txt as installed
in the running interpreter: the highest lower bound of their Requires-Python.
tests/build/test_python_bootstrap.py runs it and fails when the committed file
disagrees, so the value is written by hand nowhere.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.txt", "requirements-test.txt")
STORED = ROOT / "scripts" / "python-min.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for lock in LOCKS:
        path = ROOT / lock
        if path.is_file():
            found.update(PIN.findall(path.read_text(encoding="utf-8")))
    return found


def requirements() -> dict[str, str]:
    """Requires-Python of each pinned package, read from its installed metadata."""
    out = {}
    for name, pinned in pins().items():
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            sys.exit(f"{name}=={pinned} is not installed here: run `make .venv/.test-deps` first")
        if Version(dist.version) != Version(pinned):
            sys.exit(f"{name} {dist.version} is installed but {pinned} is pinned: run `make .venv/.test-deps` first")
        out[name] = dist.metadata.get("Requires-Python") or ""
    return out


def minimum(specs: dict[str, str]) -> Version:
    """The highest >= / > bound, checked against every specifier."""
    bounds = [Version("3")]
    for spec in specs.values():
        for clause in SpecifierSet(spec):
            if clause.operator in (">=", ">"):
                bounds.append(Version(clause.version))
    lowest = max(bounds)
    refused = [f"{name} ({spec})" for name, spec in specs.items() if spec and lowest not in SpecifierSet(spec)]
    if refused:
        sys.exit(f"Python {lowest} is refused by: {', '.join(refused)}")
    return lowest


def main() -> None:
    value = str(minimum(requirements()))
    if sys.argv[1:] == ["--write"]:
        STORED.write_text(value + "\n", encoding="utf-8")
        print(f"{STORED.relative_to(ROOT)}: {value}")
    else:
        print(value)


if __name__ == "__main__":
    main()
