"""Search: accent folding and one index per language.

Material writes one `search/search_index.json` for the whole site (and
mkdocs-static-i18n merges every language into it). After the build this hook:

* lists the pseudo language ``fold`` first in the index's ``config.lang`` so
  the worker loads docs/assets/javascripts/lunr/min/lunr.fold.min.js, which
  folds accents and runs queries through the stemmer (see that file);
* splits the index by language: Portuguese pages stay in the root index, the
  English pages (under ``en/``) go to ``en/search/search_index.json`` with the
  English stemmer, so each edition only finds its own pages.

Only the JSON Material already writes is rewritten; the theme bundle is not
patched, so a Material patch upgrade keeps working (tests/search covers it).
"""

from __future__ import annotations

import json
from pathlib import Path

# Language prefixes of the editions other than the default (root) one.
EDITIONS = {"en": "en"}
DEFAULT_LANG = "pt"


def _write(path: Path, config: dict, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def split_index(index: dict) -> dict[str, tuple[dict, list[dict]]]:
    """Return {url prefix: (config, docs)}; the default edition has prefix ''."""
    groups: dict[str, list[dict]] = {"": []}
    for doc in index["docs"]:
        prefix = next((p for p in EDITIONS if doc["location"].startswith(p + "/")), "")
        if prefix:
            doc = {**doc, "location": doc["location"][len(prefix) + 1:]}
        groups.setdefault(prefix, []).append(doc)
    result = {}
    for prefix, docs in groups.items():
        lang = EDITIONS.get(prefix, DEFAULT_LANG)
        result[prefix] = ({**index["config"], "lang": ["fold", lang]}, docs)
    return result


def on_post_build(config):
    site = Path(config["site_dir"])
    index_path = site / "search" / "search_index.json"
    if not index_path.exists():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for prefix, (search_config, docs) in split_index(index).items():
        _write(site / prefix / "search" / "search_index.json", search_config, docs)
