"""Which docker client runs what, and the engine as the page tests use it.

Every docker command of the pages goes through a small `docker` script first on PATH
that pins DOCKER_HOST to the test daemon. `docker build` needs BuildKit: where the
client on PATH has buildx it does everything; otherwise (this machine: the 28.x client
without buildx) builds go to Debian's 20.10 client, whose BuildKit support is built in,
with DOCKER_BUILDKIT=1; with neither, the legacy builder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from dx_compose import install_compose_plugin
from dx_engine import Engine, EngineError
from dx_images import IMAGES, Provisioned, provision
from dx_scenario import Runner

SHIM = """#!/bin/sh
# docs_exec: every docker command of the pages goes to the test daemon only.
DOCKER_HOST='{host}'
export DOCKER_HOST
{build_route}exec '{client}' "$@"
"""


@dataclass
class Clients:
    client: str
    build_client: str
    build_env: dict[str, str]
    description: str
    path_env: dict[str, str]


def _choose(engine: Engine) -> tuple[str, str, dict, str]:
    """(client for page commands, client for builds, extra env for builds, description)."""
    shim_dir = engine.base / "bin"
    path_dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d) != shim_dir]
    client = shutil.which("docker", path=os.pathsep.join(path_dirs))
    if client is None:
        raise EngineError("no docker client on PATH (apt-get install docker.io)")

    def version(binary: str) -> str:
        out = subprocess.run([binary, "version", "--format", "{{.Client.Version}}"], env=engine.env(),
                             capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "?"

    buildx = subprocess.run([client, "buildx", "version"], env=engine.env(), capture_output=True, timeout=30)
    if buildx.returncode == 0:
        return client, client, {}, f"docker {version(client)} ({client}) for every command, builds with buildx (BuildKit)"
    legacy_cli = "/usr/bin/docker"
    if Path(legacy_cli).exists() and Path(legacy_cli).resolve() != Path(client).resolve():
        return client, legacy_cli, {"DOCKER_BUILDKIT": "1"}, (
            f"docker {version(client)} ({client}) for every command except `docker build`, which runs with "
            f"docker {version(legacy_cli)} ({legacy_cli}) and DOCKER_BUILDKIT=1 (BuildKit in the daemon; "
            f"{client} has no buildx)")
    return client, client, {"DOCKER_BUILDKIT": "0"}, (
        f"docker {version(client)} ({client}) for every command; no BuildKit client here, so `docker build` "
        "uses the legacy builder (DOCKER_BUILDKIT=0)")


def setup_clients(engine: Engine) -> Clients:
    client, build_client, build_env, description = _choose(engine)
    shim_dir = engine.base / "bin"
    shim_dir.mkdir(exist_ok=True)
    route = ""
    if build_client != client:
        assignments = " ".join(f"{k}={v}" for k, v in build_env.items())
        route = (f'if [ "$1" = build ] || {{ [ "$1" = image ] && [ "$2" = build ]; }}; then\n'
                 f"  {assignments} exec '{build_client}' \"$@\"\nfi\n")
    elif build_env:
        route = "".join(f"{k}={v}; export {k}\n" for k, v in build_env.items())
    (shim_dir / "docker").write_text(SHIM.format(host=engine.host, client=client, build_route=route))
    (shim_dir / "docker").chmod(0o755)
    path_env = {"PATH": f"{shim_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return Clients(client, build_client, build_env, description, path_env)


def unix_seconds(rfc3339: str) -> int:
    """`2026-12-02T03:17:50.123456789Z` (or with an offset) -> whole Unix seconds, as the
    engine's image list rounds them (time.Unix())."""
    match = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$", rfc3339)
    if not match:
        raise ValueError(f"not an RFC 3339 time: {rfc3339}")
    zone = "+00:00" if match.group(2) == "Z" else match.group(2)
    return int(dt.datetime.fromisoformat(match.group(1) + zone).timestamp())


@dataclass
class DocsEngine:
    engine: Engine
    clients: Clients
    images: Provisioned
    base_ids: dict[str, str]

    def page_env(self, config_dir: Path) -> dict[str, str]:
        config_dir.mkdir(parents=True, exist_ok=True)
        install_compose_plugin(config_dir)  # `docker compose` (Compose v2) for the pages
        return self.engine.env(DOCKER_CONFIG=str(config_dir), **self.clients.path_env)

    def runner(self, config_dir: Path) -> Runner:
        """A page runner wired to this engine (dx_standins adapts outputs only for local stand-ins)."""
        return Runner(env=self.page_env(config_dir), images_local=self.images.local,
                      pulled_fresh=self.refresh_for_pull, image_created=self.image_created,
                      oom_lost=self.oom_lost, oom_events=self.container_events)

    def oom_lost(self, container: str, since: float) -> bool:
        """Whether the engine logged an `oom` event for `container` after its last `die`
        (since the Unix time `since`) and still says State.OOMKilled=false: the test engine,
        Docker 20.10, sets the flag only from the exit event (dx_scenario.OOM_AFTER_EXIT)."""
        if self.docker("inspect", "--format", "{{.State.OOMKilled}}", container).strip() != "false":
            return False
        return oom_after_last_die(self.container_events(container, since))

    def container_events(self, container: str, since: float) -> list[str]:
        """The `die` and `oom` events the engine logged for `container` since `since`, in order."""
        return self.docker("events", "--since", f"{since:.3f}", "--until", f"{time.time():.3f}",
                           "--filter", f"container={container}", "--filter", "event=die",
                           "--filter", "event=oom", "--format", "{{.Action}}").split()

    def image_created(self, short_ids: list[str]) -> dict[str, int]:
        """Creation second of each image still present (what the engine sorts image lists by)."""
        out = self.docker("image", "inspect", "--format", "{{.Id}} {{.Created}}", *short_ids)
        found = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2:
                found[parts[0].removeprefix("sha256:")[:12]] = unix_seconds(parts[1])
        return found

    def docker(self, *args: str, check: bool = False, timeout: float = 120) -> str:
        result = self.engine.docker(*args, check=check, timeout=timeout)
        return result.stdout.decode(errors="replace")

    def refresh_for_pull(self, images: list[str]) -> None:
        """Before a page's own `docker pull` (registry reachable): untag the image if no
        container uses it, so the page's pull really downloads, as on a reader's machine."""
        for image in images:
            users = self.docker("ps", "--all", "--quiet", "--filter", f"ancestor={image}").split()
            if not users:
                self.docker("image", "rm", image)

    def snapshot(self, work: Path, config_dir: Path) -> dict[str, set[str]]:
        """What exists now: containers (stopped too), images (every name, and the dangling
        ones), volumes, networks, the client's contexts (in the page's DOCKER_CONFIG), and
        the files and folders under the page's working directory."""
        def lines(*args: str) -> set[str]:
            return {line.strip() for line in self.docker(*args).splitlines() if line.strip()}
        contexts = subprocess.run(["docker", "context", "ls", "--format", "{{.Name}}"], capture_output=True,
                                  text=True, env=self.page_env(config_dir), timeout=60).stdout
        files = set()
        for root, dirs, names in os.walk(work, onerror=lambda _: None):
            for name in dirs + names:
                files.add((Path(root) / name).relative_to(work).as_posix())
        return {
            "containers": lines("ps", "--all", "--no-trunc", "--format", "{{.ID}} {{.Names}}"),
            "images": lines("image", "ls", "--all", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"),
            "volumes": lines("volume", "ls", "--format", "{{.Name}}"),
            "networks": lines("network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}"),
            "contexts": {name.strip() for name in contexts.split() if name.strip()},
            "files": files,
        }

    def created_and_left(self, before: dict[str, set[str]], after: dict[str, set[str]]) -> list[str]:
        """What the page created and did not remove. The base images the harness provides
        beforehand do not count, even when a page pulls a newer one under the same name."""
        base_names = {image.replace("docker.io/library/", "") for image in self.base_ids}
        left = []
        for kind in ("containers", "images", "volumes", "networks", "contexts", "files"):
            new = sorted(after.get(kind, set()) - before.get(kind, set()))
            if kind == "images":
                new = [item for item in new if item.split(" ", 1)[1] not in base_names]
            if kind in ("containers", "networks"):
                new = [item.split(" ", 1)[1] + f" ({item.split(' ', 1)[0][:12]})" for item in new]
            elif kind == "images":
                new = [item.split(" ", 1)[1] + f" ({item.split(' ', 1)[0].removeprefix('sha256:')[:12]})" for item in new]
            if new:
                left.append(f"{kind}: " + ", ".join(new))
        return left

    def reset(self) -> list[str]:
        """Remove what a page left behind; return what that was."""
        left = []
        names = self.docker("ps", "--all", "--format", "{{.Names}}").split()
        if names:
            left.append("containers: " + ", ".join(names))
            self.docker("rm", "--force", "--volumes", *names, timeout=180)
        volumes = self.docker("volume", "ls", "--quiet").split()
        if volumes:
            left.append("volumes: " + ", ".join(volumes))
            self.docker("volume", "rm", "--force", *volumes)
        base_names = {image.replace("docker.io/library/", "") for image in self.base_ids}
        listed = [line.split() for line in self.docker("image", "ls", "--all", "--no-trunc", "--format",
                                                       "{{.ID}} {{.Repository}}:{{.Tag}}").splitlines() if line.strip()]
        base = set(self.base_ids.values())
        foreign = [(image_id, name) for image_id, name in listed if image_id not in base]
        extra_names = [name for image_id, name in listed if image_id in base and name not in base_names]
        if foreign or extra_names:
            left.append("images: " + ", ".join(sorted({name for _, name in foreign} | set(extra_names))))
        if extra_names:  # another name for a base image: remove the name only
            self.docker("image", "rm", *extra_names)
        if foreign:
            self.docker("image", "rm", "--force", *sorted({image_id for image_id, _ in foreign}))
        networks = [n for n in self.docker("network", "ls", "--format", "{{.Name}}").split()
                    if n not in ("bridge", "host", "none")]
        if networks:
            left.append("networks: " + ", ".join(networks))
            self.docker("network", "rm", *networks)
        self.engine.docker("builder", "prune", "--all", "--force", client=self.clients.build_client,
                           env=self.engine.env(**self.clients.build_env), check=False)
        for image in self.base_ids:
            now = self.docker("image", "inspect", "--format", "{{.Id}}", image).strip()
            if not now:
                left.append(f"base image {image} removed")
            else:
                self.base_ids[image] = now  # a page's own pull may bring a newer version
        return left


def oom_after_last_die(actions: list[str]) -> bool:
    """`oom` came after the last `die` (the OOM delivered after the exit)."""
    if "die" not in actions:
        return False
    last_die = len(actions) - 1 - actions[::-1].index("die")
    return "oom" in actions[last_die + 1:]


def provision_session(engine: Engine, clients: Clients) -> "DocsEngine":
    images = provision(engine, engine.env(**clients.build_env), clients.build_client, clients.description)
    base_ids = {image: engine.docker("image", "inspect", "--format", "{{.Id}}", image).stdout.decode().strip()
                for image in IMAGES}
    return DocsEngine(engine, clients, images, base_ids)
