"""HTML validity: the Nu HTML Checker (vnu) reports no errors on any built page.

vnu comes from the npm package ``vnu-jar`` (pinned in tools/package.json; it
ships vnu.jar, run here with the system Java). One vnu run checks the whole
built site; each page is then a test of its own. Warnings and info messages
are not errors: vnu also evaluates the Content-Security-Policy meta tag
statically and cannot know what 'self' is for files on disk (tests/quality/
test_csp.py checks the policy in a real browser instead).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, require
from quality_helpers import PAGES_WITH_404

VNU_JAR = ROOT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="session")
def vnu_messages(site_dir) -> dict[str, list[dict]]:
    """{site-relative page: vnu error messages} for every HTML file of the build."""
    java = shutil.which("java")
    require(java is not None, "Java (apt-get install default-jre-headless)")
    require(VNU_JAR.is_file(), f"{VNU_JAR.relative_to(ROOT)} (npm ci --prefix tools)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", "--exit-zero-always", str(site_dir)],
        capture_output=True, text=True, timeout=600,
    )
    report = json.loads(result.stderr)  # vnu writes its JSON report to stderr
    errors: dict[str, list[dict]] = {}
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal" or message["type"] == "non-document-error":
            url = message.get("url", "")
            path = Path(url.removeprefix("file:")).resolve() if url else None
            page = path.relative_to(site_dir.resolve()).as_posix() if path else "?"
            errors.setdefault(page, []).append(message)
    return errors


def describe(messages: list[dict]) -> str:
    return "\n".join(
        f"  line {m.get('lastLine', '?')}: {m['message']}\n      {' '.join(m.get('extract', '').split())[:160]}"
        for m in messages
    )


def test_vnu_checked_every_page(site_dir, vnu_messages):
    assert "?" not in vnu_messages, f"vnu failed outside a page:\n{describe(vnu_messages['?'])}"
    for page in PAGES_WITH_404:
        assert (site_dir / page).is_file(), f"{page} was not built"


@pytest.mark.parametrize("path", PAGES_WITH_404)
def test_page_is_valid_html(vnu_messages, path):
    errors = vnu_messages.get(path, [])
    assert errors == [], f"{path}: {len(errors)} vnu error(s)\n{describe(errors)}"
