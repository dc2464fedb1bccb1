""""Última atualização" under each page: the date of the last commit that touched it.

Material shows ``page.meta.revision_date`` when it is set. We read it with one
``git log`` per page and format it for the page's language with Babel (already
a Material dependency). This replaces mkdocs-git-revision-date-localized-plugin,
whose ``git log --diff-filter=r`` finds no commit with Debian 12's git 2.39.
A page git knows nothing about (new, uncommitted, or no git at all) gets the
build date; a shallow clone gives the date of its oldest commit — the build
never fails for lack of history. The deploy workflow fetches the full history.
"""

from __future__ import annotations

import datetime
import re
import subprocess

from babel.dates import format_date

_EN = re.compile(r"\.en\.md$")


def last_commit_date(path: str) -> datetime.date:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return datetime.date.fromisoformat(out) if out else datetime.date.today()


def on_page_markdown(markdown, page, config, files):
    locale = "en" if _EN.search(page.file.src_uri) else "pt_BR"
    page.meta["revision_date"] = format_date(last_commit_date(page.file.abs_src_path), format="long", locale=locale)
    return markdown
