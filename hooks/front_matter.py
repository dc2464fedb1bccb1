"""Front matter validation.

MkDocs silently ignores YAML front matter it cannot parse, so a typo would
publish a page without its title and description. This hook re-reads each
page's source and fails the build, naming the file, when the front matter is
missing, malformed, or lacks a required key.
"""

from __future__ import annotations

import re

import yaml
from mkdocs.exceptions import PluginError

REQUIRED_KEYS = ("title", "description")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.DOTALL)


def check_front_matter(source: str, name: str) -> dict:
    """Return the parsed front matter of ``source`` or raise PluginError."""
    match = _FRONT_MATTER.match(source)
    if not match:
        raise PluginError(
            f"{name}: front matter ausente ou sem o '---' de fechamento "
            f"(missing front matter; required keys: {', '.join(REQUIRED_KEYS)})"
        )
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise PluginError(f"{name}: front matter YAML inválido (malformed front matter): {exc}") from exc
    if not isinstance(data, dict):
        raise PluginError(f"{name}: o front matter deve ser um mapeamento YAML (front matter is not a mapping)")
    for key in REQUIRED_KEYS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"{name}: front matter sem '{key}' (missing or empty front matter key '{key}')")
    return data


def on_page_markdown(markdown, page, config, files):
    with open(page.file.abs_src_path, encoding="utf-8-sig") as handle:
        check_front_matter(handle.read(), f"docs/{page.file.src_uri}")
    return markdown
