"""Translation status of the English edition (`make translations`).

    python scripts/translations.py            # list every page and its status
    python scripts/translations.py --update docs/index.en.md
        # record the current hash of docs/index.md in that page's front matter,
        # after you brought the translation up to date

Exit status 1 when a translation is missing or outdated.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
from i18n import source_hash  # noqa: E402  (the hook owns the definition)

DOCS = ROOT / "docs"
HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def original_of(translation: Path) -> Path:
    return translation.with_name(translation.name.replace(".en.md", ".md"))


def recorded_hash(translation: Path) -> str | None:
    match = re.search(r"^source_hash:\s*(\S+)", translation.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1).strip("'\"") if match else None


def status() -> int:
    bad = 0
    for page in sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".en.md")):
        translation = page.with_name(page.name[:-3] + ".en.md")
        rel = page.relative_to(ROOT)
        if not translation.exists():
            print(f"MISSING   {rel} -> {translation.relative_to(ROOT)}")
            bad += 1
        elif recorded_hash(translation) != source_hash(page):
            print(f"OUTDATED  {translation.relative_to(ROOT)} (source_hash {recorded_hash(translation)}, "
                  f"{rel} is now {source_hash(page)})")
            bad += 1
        else:
            print(f"ok        {translation.relative_to(ROOT)}")
    return 1 if bad else 0


def update(translation: Path) -> None:
    text = translation.read_text(encoding="utf-8")
    value = f"source_hash: {source_hash(original_of(translation))}"
    if HASH_LINE.search(text):
        text = HASH_LINE.sub(value, text, count=1)
    elif text.startswith("---\n"):
        text = "---\n" + value + "\n" + text[4:]
    else:
        sys.exit(f"{translation}: no front matter")
    translation.write_text(text, encoding="utf-8")
    print(f"{translation}: {value}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--update":
        update(Path(sys.argv[2]).resolve())
    elif len(sys.argv) == 1:
        sys.exit(status())
    else:
        sys.exit(__doc__)
