"""The three images the pages use: busybox:latest, debian:bookworm-slim, nginx:latest.

Where a registry answers (GitHub Actions), the real images are pulled. Otherwise they
are built on this machine from Debian packages and tagged with the same names:

- busybox:latest: Debian's busybox-static binary plus one symlink per applet and the
  files in /etc the official image has (group, localtime, nsswitch.conf, passwd, shadow), written as a `docker load` archive whose
  history says what it is ("BusyBox 1.35.0 (glibc), Debian 12");
- debian:bookworm-slim: `debootstrap --variant=minbase bookworm`, trimmed like the
  official slim image (no docs, man pages or locales), cached per ISO week;
- nginx:latest: Debian's nginx on that base, laid out like the official image
  (tests/docs_exec/nginx/), cached per ISO week and build-context hash.

No step fakes provenance: histories and comments name the local build. What the
stand-ins still do differently from the official images is listed, with sources, in
dx_standins.py, and the output check applies exactly those differences.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dx_engine import Engine, EngineError

HERE = Path(__file__).resolve().parent
NGINX_CONTEXT = HERE / "nginx"
IMAGES = ("busybox:latest", "debian:bookworm-slim", "nginx:latest")
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LABEL = "org.opencontainers.image.description"  # says which images are local stand-ins
DEBIAN_MIRROR = os.environ.get("DOCS_EXEC_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# The history line of the local debian:bookworm-slim's one layer (dx_standins: debian-base-layer).
DEBIAN_CREATED_BY = f"debootstrap --variant=minbase bookworm {DEBIAN_MIRROR}"
ZONEINFO_UTC = Path("/usr/share/zoneinfo/UTC")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "docker-basico"
    path.mkdir(parents=True, exist_ok=True)
    return path


def iso_week() -> str:
    year, week, _ = dt.date.today().isocalendar()
    return f"{year}-W{week:02d}"


def save_to_cache(engine: Engine, image: str, cached: Path, stale: str) -> None:
    """`docker save` an image to its cache file, replacing older ones (`stale`, a glob);
    written under a temporary name first, so a crash leaves no half-written archive."""
    for old in cached.parent.glob(stale):
        old.unlink(missing_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.partial")
    engine.docker("save", "--output", str(tmp), image, timeout=300)
    tmp.rename(cached)


@dataclass
class Provisioned:
    source: str  # "pulled" or "built locally"
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    builder: str = ""  # how `docker build` runs on this machine (for page commands too)

    @property
    def local(self) -> bool:
        return self.source != "pulled"


# --- docker-archive (the `docker save` format) -------------------------------------

def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_archive(engine: Engine, layer: Path, tag: str, config: dict, history: dict, created: float) -> None:
    """`docker load` a one-layer image: `layer` is an uncompressed tar of the rootfs."""
    digest = hashlib.sha256()
    with open(layer, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    diff_id = "sha256:" + digest.hexdigest()
    image_config = {
        "architecture": "amd64" if os.uname().machine == "x86_64" else os.uname().machine,
        "os": "linux",
        "created": _iso(created),
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": _iso(created), **history}],
    }
    raw_config = json.dumps(image_config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(raw_config).hexdigest() + ".json"
    layer_name = digest.hexdigest() + "/layer.tar"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": [layer_name]}]).encode()
    archive = layer.with_suffix(".image.tar")
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((config_name, raw_config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(created)
            tar.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo(layer_name.split("/")[0])
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, int(created)
        tar.addfile(info)
        tar.add(layer, arcname=layer_name)
    engine.docker("load", "--input", str(archive), timeout=300)
    archive.unlink()


# --- busybox -----------------------------------------------------------------------

def _is_static_elf(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # 64-bit only
            return False
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        fh.seek(phoff)
        table = fh.read(phentsize * phnum)
    return all(struct.unpack_from("<I", table, i * phentsize)[0] != 3 for i in range(phnum))  # PT_INTERP


ETC_FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                  "bin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\n"
                  "mail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n"
                  "operator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
    "etc/group": "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\n"
                 "mail:x:12:\nwww-data:x:33:\noperator:x:37:\nusers:x:100:\nnobody:x:65534:\n",
    "etc/shadow": "root:*::::::\ndaemon:*::::::\nbin:*::::::\nsys:*::::::\nsync:*::::::\nmail:*::::::\n"
                  "www-data:*::::::\noperator:*::::::\nnobody:*::::::\n",
    "etc/nsswitch.conf": "hosts: files dns\nnetworks: files\n",
}


def build_busybox(engine: Engine, work: Path) -> str:
    binary = Path("/bin/busybox")
    if not binary.exists() or not _is_static_elf(binary):
        raise EngineError("a static /bin/busybox is needed (apt-get install busybox-static)")
    version = re.search(r"BusyBox v(\d+(?:\.\d+)+)",
                        subprocess.run([str(binary)], capture_output=True, text=True).stdout).group(1)
    applets = subprocess.run([str(binary), "--list"], capture_output=True, text=True, check=True).stdout.split()
    if not ZONEINFO_UTC.exists():
        raise EngineError(f"{ZONEINFO_UTC} is needed for the busybox image's /etc/localtime (apt-get install tzdata)")
    utc = ZONEINFO_UTC.read_bytes()
    created = binary.stat().st_mtime
    layer = work / "busybox-layer.tar"
    with tarfile.open(layer, "w", format=tarfile.PAX_FORMAT) as tar:
        def add_dir(name: str, mode: int = 0o755) -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, int(created)
            tar.addfile(info)
        for name, mode in (("bin", 0o755), ("dev", 0o755), ("etc", 0o755), ("home", 0o755), ("proc", 0o555),
                           ("root", 0o700), ("sys", 0o555), ("tmp", 0o1777), ("usr", 0o755), ("usr/sbin", 0o755),
                           ("var", 0o755), ("var/spool", 0o755), ("var/spool/mail", 0o755), ("var/www", 0o755)):
            add_dir(name, mode)
        info = tar.gettarinfo(str(binary), arcname="bin/busybox")
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = int(created)
        with open(binary, "rb") as fh:
            tar.addfile(info, fh)
        for applet in sorted(set(applets) - {"busybox"}):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname, link.mode, link.mtime = tarfile.SYMTYPE, "busybox", 0o777, int(created)
            tar.addfile(link)
        # The official image's /etc/localtime is a copy of Debian's UTC zone file.
        etc = {**{name: text.encode() for name, text in ETC_FILES.items()}, "etc/localtime": utc}
        for name, data in sorted(etc.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(created)
            info.mode = 0o640 if name.endswith("shadow") else 0o644
            tar.addfile(info, io.BytesIO(data))
    load_archive(engine, layer, "busybox:latest",
                 {"Env": [PATH_ENV], "Cmd": ["sh"], "Labels": {LABEL: "built locally from Debian's busybox-static"}},
                 {"created_by": f"BusyBox {version} (glibc), Debian 12"}, created)
    layer.unlink()
    return f"busybox:latest built from Debian's busybox-static {version}"


# --- debian:bookworm-slim ----------------------------------------------------------

SLIM_DPKG = """# docker-basico: keep the image small, like the official slim images
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
"""
APT_CONF = {
    "etc/apt/apt.conf.d/docker-clean": 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
                                       '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
                                       'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
                                       '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
                                       'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n',
    "etc/apt/apt.conf.d/docker-gzip-indexes": 'Acquire::GzipIndexes "true";\n',
    "etc/apt/apt.conf.d/docker-no-languages": 'Acquire::Languages "none";\n',
    "etc/apt/apt.conf.d/docker-autoremove-suggests": 'Apt::AutoRemove::SuggestsImportant "false";\n',
    "etc/dpkg/dpkg.cfg.d/docker": SLIM_DPKG,
    "etc/apt/sources.list.d/debian.sources": (
        "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
        "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"),
}


def _slim_script(root: Path) -> str:
    writes = "".join(f"cat > {root / name} <<'EOF_DKB'\n{text}EOF_DKB\n" for name, text in APT_CONF.items())
    return f"""set -e
cd {root}
rm -f etc/apt/sources.list etc/hostname etc/resolv.conf
mkdir -p etc/dpkg/dpkg.cfg.d etc/apt/sources.list.d
{writes}
find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/*
find usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {{}} +
rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/debconf/*-old
rm -rf var/log/* tmp/* dev/* proc/* sys/* run/*
: > etc/machine-id
"""


def build_debian(engine: Engine, work: Path, cache: Path) -> str:
    cached = cache / f"debian-bookworm-slim-{iso_week()}.tar"
    if cached.exists():
        engine.docker("load", "--input", str(cached), timeout=300)
        return f"debian:bookworm-slim loaded from the cache ({cached})"
    if not shutil.which("debootstrap"):
        raise EngineError("debootstrap is not installed (apt-get install debootstrap)")
    root = work / "debian-rootfs"
    root.mkdir()
    started = time.time()
    result = subprocess.run(engine.root(["debootstrap", "--variant=minbase", "bookworm", str(root), DEBIAN_MIRROR]),
                            capture_output=True, text=True, timeout=900)
    try:
        if result.returncode != 0:
            raise EngineError(f"debootstrap failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        subprocess.run(engine.root(["bash", "-c", _slim_script(root)]), check=True, capture_output=True, timeout=300)
        layer = work / "debian-layer.tar"
        subprocess.run(engine.root(["tar", "--numeric-owner", "--sort=name", "--xattrs", "-C", str(root),
                                    "-cf", str(layer), "."]), check=True, capture_output=True, timeout=300)
        debian_version = (root / "etc/debian_version").read_text().strip()
        load_archive(engine, layer, "debian:bookworm-slim",
                     {"Env": [PATH_ENV], "Cmd": ["bash"],
                      "Labels": {LABEL: "built locally with debootstrap, trimmed like the slim image"}},
                     {"created_by": DEBIAN_CREATED_BY,
                      "comment": f"Debian {debian_version}"}, started)
    finally:
        for line in reversed(Path("/proc/mounts").read_text().splitlines()):
            mount = line.split()[1]
            if mount.startswith(str(root) + "/"):
                subprocess.run(engine.root(["umount", "-l", mount]), capture_output=True)
        subprocess.run(engine.root(["rm", "-rf", str(root)]), capture_output=True)
    subprocess.run(engine.root(["rm", "-f", str(work / "debian-layer.tar")]), capture_output=True)
    save_to_cache(engine, "debian:bookworm-slim", cached, stale="debian-bookworm-slim-*.tar")
    return f"debian:bookworm-slim built with debootstrap (Debian {debian_version}) and cached as {cached.name}"


# --- nginx:latest ------------------------------------------------------------------

def context_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(NGINX_CONTEXT.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(NGINX_CONTEXT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def build_nginx(engine: Engine, cache: Path, build_env: dict, client: str) -> str:
    base_id = engine.docker("image", "inspect", "--format", "{{.Id}}", "debian:bookworm-slim").stdout.decode().strip()
    key = hashlib.sha256(f"{context_hash()} {base_id}".encode()).hexdigest()[:12]
    cached = cache / f"nginx-{iso_week()}-{key}.tar"
    if cached.exists():
        engine.docker("load", "--input", str(cached), timeout=300)
        return f"nginx:latest loaded from the cache ({cached.name})"
    stage = "docker-basico/nginx-install:tmp"
    context = Path(tempfile.mkdtemp(prefix="dkb-nginx-"))
    shutil.copytree(NGINX_CONTEXT, context, dirs_exist_ok=True)
    (context / "docker-entrypoint.sh").chmod(0o755)  # whatever the checkout kept
    try:
        version = _build_nginx(engine, context, stage, build_env, client)
    finally:
        shutil.rmtree(context, ignore_errors=True)
    save_to_cache(engine, "nginx:latest", cached, stale="nginx-*.tar")
    return f"nginx:latest built from Debian's nginx {version} and cached as {cached.name}"


def _build_nginx(engine: Engine, context: Path, stage: str, build_env: dict, client: str) -> str:
    """Dockerfile.install (Debian's package), then Dockerfile (the official layout); the
    package version goes into NGINX_VERSION, as in the official image."""
    engine.docker("build", "--network", "host", "--file", str(context / "Dockerfile.install"),
                  "--tag", stage, str(context), client=client, env=build_env, timeout=900)
    version = engine.docker("run", "--rm", "--entrypoint", "dpkg-query", stage, "--showformat", "${Version}",
                            "--show", "nginx").stdout.decode().strip()
    upstream = version.split("-")[0].split(":")[-1]
    engine.docker("build", "--build-arg", f"NGINX_VERSION={upstream}", "--build-arg", f"BASE={stage}",
                  "--tag", "nginx:latest", str(context), client=client, env=build_env, timeout=300)
    engine.docker("image", "rm", stage)
    return version


# --- entry point -------------------------------------------------------------------

def pull(engine: Engine, image: str, timeout: float) -> tuple[bool, str]:
    try:
        result = engine.docker("pull", image, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timed out"
    return result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace").strip()


def provision(engine: Engine, build_env: dict, client: str, builder: str) -> Provisioned:
    """Make the three images available; `DOCS_EXEC_IMAGES=pull|local` forces a way."""
    wanted = os.environ.get("DOCS_EXEC_IMAGES", "auto")
    timings: dict[str, float] = {}
    if wanted in ("auto", "pull"):
        start = time.perf_counter()
        ok, output = pull(engine, IMAGES[0], timeout=120)
        if ok:
            for image in IMAGES[1:]:
                ok, output = pull(engine, image, timeout=600)
                if not ok:
                    raise EngineError(f"docker pull {image} failed:\n{output}")
            timings["pull"] = time.perf_counter() - start
            return Provisioned("pulled", timings, [f"pulled {', '.join(IMAGES)}"], builder)
        if wanted == "pull":
            raise EngineError(f"DOCS_EXEC_IMAGES=pull but docker pull failed:\n{output}")
        timings["registry probe"] = time.perf_counter() - start
    cache = cache_dir()
    notes = []
    with tempfile.TemporaryDirectory(prefix="dkb-img-") as tmp:
        work = Path(tmp)
        for name, step in (("busybox", lambda: build_busybox(engine, work)),
                           ("debian", lambda: build_debian(engine, work, cache)),
                           ("nginx", lambda: build_nginx(engine, cache, build_env, client))):
            start = time.perf_counter()
            notes.append(step())
            timings[name] = time.perf_counter() - start
    # A reader's engine has the images and no build cache.
    engine.docker("builder", "prune", "--all", "--force", client=client, env=build_env, check=False)
    return Provisioned("built locally", timings, notes, builder)
