"""Search: accent folding and one index per language.

Material writes one `search/search_index.json` for the whole site (and
mkdocs-static-i18n merges every language into it). After the build this hook:

* lists the pseudo language ``fold`` first in the index's ``config.lang`` so
  the worker loads docs/assets/javascripts/lunr/min/lunr.fold.min.js, which
  folds accents, runs queries through the stemmer, keeps the stop words of
  headings and reads pasted error messages (see that file);
* splits the index by language: Portuguese pages stay in the root index, the
  English pages (under ``en/``) go to ``en/search/search_index.json`` with the
  English stemmer, so each edition only finds its own pages.

Only the JSON Material already writes is rewritten; the theme bundle is not
patched, so a Material patch upgrade keeps working (tests/search covers it).
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

# URL prefix -> lunr language of the editions other than the one being built.
EDITIONS = {"en": "en"}


def _write(path: Path, config: dict, docs: list[dict], as_script: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(data, encoding="utf-8")
    if as_script:  # what Material reads under file:// (offline edition)
        path.with_suffix(".js").write_text(f"var __index = {data}", encoding="utf-8")


def split_index(index: dict, default_lang: str) -> dict[str, tuple[dict, list[dict]]]:
    """Return {url prefix: (config, docs)}; the edition being built has prefix ''."""
    groups: dict[str, list[dict]] = {"": []}
    for doc in index["docs"]:
        prefix = next((p for p in EDITIONS if doc["location"].startswith(p + "/")), "")
        if prefix:
            doc = {**doc, "location": doc["location"][len(prefix) + 1:]}
        groups.setdefault(prefix, []).append(doc)
    result = {}
    for prefix, docs in groups.items():
        lang = EDITIONS.get(prefix, default_lang)
        result[prefix] = ({**index["config"], "lang": ["fold", lang]}, docs)
    return result


@event_priority(-110)  # after mkdocs-static-i18n (-100) has merged every language's entries
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested per-language build; the outer build rewrites every index
    if i18n is not None:
        default_locale = next(lang.locale for lang in i18n.config.languages if lang.default)
    else:
        default_locale = config["theme"]["language"]
    default_lang = str(default_locale).split("-")[0]
    site = Path(config["site_dir"])
    index_path = site / "search" / "search_index.json"
    if not index_path.exists():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    offline = bool(config.extra.get("offline_edition"))  # set by hooks/offline.py
    for prefix, (search_config, docs) in split_index(index, default_lang).items():
        _write(site / prefix / "search" / "search_index.json", search_config, docs, offline)
