"""The test run's web server, in a process of its own (started by tests/conftest.py).

    python tests/site_server.py SITE_DIR OWNER_PID

Binds 127.0.0.1 on a port the kernel picks, prints its URL on one line and then
serves SITE_DIR with benchmarks/serve_gzip.py (gzip, 404.html for a missing
file: the way GitHub Pages serves the site). It binds *before* the site is built
for that URL, so no other process can take the port between the choice and the
bind. Every pytest-xdist worker uses this one server; it stops on SIGTERM or as
soon as OWNER_PID (the pytest process that owns the run) is gone, so a killed
run leaves nothing behind.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import serve_gzip  # noqa: E402


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> None:
    site, owner = Path(argv[1]), int(argv[2])
    site.mkdir(parents=True, exist_ok=True)
    server, url = serve_gzip.start(site, 0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(url, flush=True)
    try:
        while alive(owner):
            time.sleep(0.5)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main(sys.argv)
