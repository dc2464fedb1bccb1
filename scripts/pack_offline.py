"""Pack the offline edition as a zip with one top folder and stable contents.

Usage: pack_offline.py SITE_DIR ZIP_PATH
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

TOP = "docker-basico-offline"
# Fixed timestamp: the same site gives the same zip, byte for byte.
EPOCH = (2020, 1, 1, 0, 0, 0)
# Meaningless from file://: sitemaps need a site URL; no server ever answers 404.
SKIP = {"sitemap.xml", "sitemap.xml.gz", "404.html"}


def pack(site: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name not in SKIP)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{TOP}/{path.relative_to(site).as_posix()}", EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return len(files)


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        sys.exit(__doc__)
    site, target = Path(argv[1]), Path(argv[2])
    if not (site / "index.html").is_file():
        sys.exit(f"{site}/index.html não existe: rode o build offline antes")
    count = pack(site, target)
    print(f"{target}: {count} arquivos, {target.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv)
