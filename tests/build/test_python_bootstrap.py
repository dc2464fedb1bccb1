"""The first command on a contributor's Python: scripts/find-python.sh and the Makefile's `.venv` rule.

Fake interpreters (shell scripts that print a version, as `python -c ...` would)
stand in for a stock Debian 12 `python3` (3.11.2) and newer ones, on a PATH
that holds nothing else but the few tools the script uses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

FIND = ROOT / "scripts" / "find-python.sh"
STORED = ROOT / "scripts" / "python-min.txt"
MINIMUM = STORED.read_text(encoding="utf-8").strip()
TOOLS = ("sh", "bash", "sort", "head", "cat", "dirname", "make", "touch", "mkdir")


def fake_python(bin_dir: Path, name: str, version: str | None) -> None:
    """An interpreter that reports ``version`` (None: exits 127, like a pyenv
    shim for a version that is not selected). `-m venv DIR` is recorded in
    calls.log and leaves DIR/bin/python behind."""
    script = bin_dir / name
    if version is None:
        script.write_text("#!/bin/sh\necho \"pyenv: $0: command not found\" >&2\nexit 127\n", encoding="utf-8")
    else:
        script.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = "-c" ]; then echo {version}; exit 0; fi\n'
            f'echo "{name} $*" >> "{bin_dir}/calls.log"\n'
            'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && touch "$3/bin/python"; fi\n',
            encoding="utf-8",
        )
    script.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path):
    """A PATH with the script's tools and no interpreter at all."""
    path = tmp_path / "bin"
    path.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed by the bootstrap and missing here"
        (path / tool).symlink_to(found)
    return path


def find(bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(FIND), *args], env={"PATH": str(bin_dir)}, capture_output=True, text=True,
                          timeout=30)


def test_stored_minimum_is_what_the_pinned_packages_declare():
    """scripts/python-min.txt equals the highest Requires-Python of the pinned
    packages, read from their installed metadata (the test venv has them all)."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "python_min.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == MINIMUM, (
        f"the pins need Python {result.stdout.strip()}, scripts/python-min.txt says {MINIMUM}: "
        "run `.venv/bin/python scripts/python_min.py --write`"
    )


def test_readme_and_contributing_state_the_same_minimum():
    for doc in ("README.md", "CONTRIBUTING.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        stated = set(re.findall(r"Python (3\.\d+(?:\.\d+)?)", text))
        assert stated == {MINIMUM}, f"{doc} names Python {sorted(stated)}, the pins need {MINIMUM}"


def test_too_old_python3_alone_says_what_to_install(bin_dir):
    fake_python(bin_dir, "python3", "3.11.2")
    result = find(bin_dir)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"Python {MINIMUM} ou mais novo" in lines[0] and "python3 é 3.11.2" in lines[0]
    assert "make PYTHON=" in lines[0]


def test_newer_interpreter_is_picked_when_python3_is_too_old(bin_dir):
    fake_python(bin_dir, "python3", "3.11.2")
    fake_python(bin_dir, "python3.13", None)  # a pyenv shim of an unselected version
    fake_python(bin_dir, "python3.12", "3.12.8")
    result = find(bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.12")


def test_python3_is_preferred_when_new_enough(bin_dir):
    fake_python(bin_dir, "python3", "3.11.10")  # sorted as a version, not as text
    fake_python(bin_dir, "python3.13", "3.13.1")
    assert find(bin_dir).stdout.strip() == str(bin_dir / "python3")


def test_explicit_interpreter_is_the_only_one_tried(bin_dir):
    fake_python(bin_dir, "python3.11", "3.11.2")
    fake_python(bin_dir, "python3.13", "3.13.1")
    result = find(bin_dir, "python3.11")
    assert result.returncode == 1 and "python3.11 é 3.11.2" in result.stderr


@pytest.fixture
def project(tmp_path):
    """The Makefile and the scripts it bootstraps with, without a .venv."""
    copy = tmp_path / "project"
    (copy / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "Makefile", copy / "Makefile")
    for name in ("find-python.sh", "python-min.txt"):
        shutil.copy2(ROOT / "scripts" / name, copy / "scripts" / name)
    return copy


def make_venv(project: Path, bin_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": str(bin_dir), "HOME": str(project)}
    return subprocess.run(["make", "-s", "-C", str(project), *args, ".venv/bin/python"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_make_refuses_a_too_old_python3_before_pip(project, bin_dir):
    fake_python(bin_dir, "python3", "3.11.2")
    result = make_venv(project, bin_dir)
    assert result.returncode != 0
    assert f"Python {MINIMUM} ou mais novo" in result.stderr
    assert not (project / ".venv").exists()
    assert not (bin_dir / "calls.log").exists(), "no interpreter may have been run to create the venv"


def test_make_creates_the_venv_with_a_newer_interpreter(project, bin_dir):
    fake_python(bin_dir, "python3", "3.11.2")
    fake_python(bin_dir, "python3.13", "3.13.1")
    result = make_venv(project, bin_dir)
    assert result.returncode == 0, result.stderr
    assert (bin_dir / "calls.log").read_text(encoding="utf-8").splitlines() == ["python3.13 -m venv .venv"]


def test_make_python_override_is_honoured(project, bin_dir):
    fake_python(bin_dir, "python3", "3.13.1")
    fake_python(bin_dir, "python3.12", "3.12.8")
    result = make_venv(project, bin_dir, "PYTHON=python3.12")
    assert result.returncode == 0, result.stderr
    assert (bin_dir / "calls.log").read_text(encoding="utf-8").splitlines() == ["python3.12 -m venv .venv"]
