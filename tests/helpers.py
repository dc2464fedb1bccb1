"""Shared helpers for the test suite (no fixtures here; see conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = Path("/usr/lib/chromium/chromium")


def require(condition: bool, what: str) -> None:
    """Skip locally when a tool is missing; under CI=true that is a failure."""
    if condition:
        return
    message = f"{what} is missing (run `make test`, which installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"tool '{name}'")
    return path


class _Loader(yaml.SafeLoader):
    """SafeLoader that tolerates mkdocs.yml's !ENV and !!python tags."""


def _env(loader, node):
    value = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
    return value[-1]


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_mkdocs_yml(path: Path = ROOT / "mkdocs.yml") -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def nav_files(nav) -> list[str]:
    """Flatten mkdocs.yml's nav into the list of Markdown files it names."""
    found: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found.extend(nav_files(value))
        elif isinstance(value, str) and value.endswith(".md"):
            found.append(value)
    return found


def source_pages() -> list[Path]:
    """Portuguese source pages (translations are `*.en.md`)."""
    return sorted(p for p in DOCS.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name))


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?\n)---\n", text, re.DOTALL)
    return yaml.safe_load(match.group(1)) if match else {}


def mkdocs_build(project: Path, site_dir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a strict build of ``project`` into ``site_dir`` the way `make build` does; output is captured."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mkdocs_cli.py"), "build", "--strict", "--site-dir", str(site_dir), *extra],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
