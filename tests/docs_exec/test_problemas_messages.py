"""The error messages of docs/problemas-comuns.md that the page cannot cause with its own
commands: a reader with no daemon running, a reader outside the `docker` group, an image
built for another processor. Each test creates that state here, runs the page's command
with the real client (and, for the image, the real engine), and checks the page's output
block (Portuguese and English) with the same matcher as the executed pages, after
replacing only what depends on this machine: the socket's path.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import socket
import struct
import subprocess
import tarfile
from pathlib import Path

import pytest

from dx_engine import can_be_root
from dx_outputs import compare
from helpers import DOCS, require
from markdown_blocks import blocks

PAGES = [DOCS / "problemas-comuns.md", DOCS / "problemas-comuns.en.md"]
READER_SOCKET = "/var/run/docker.sock"  # what the page shows: the default socket


def page_output(path: Path, marker: str) -> str:
    """The body of the page's output block that contains `marker`."""
    found = [b.body for b in blocks(path) if b.lang == "text" and marker in b.body]
    assert len(found) == 1, f"{path.name}: expected one output block with {marker!r}, found {len(found)}"
    return found[0]


def page_command(path: Path, marker: str) -> str:
    """The command of the page's (not executed) bash block that contains `marker`."""
    found = [b.body.strip() for b in blocks(path) if b.lang == "bash" and marker in b.body]
    assert len(found) == 1, f"{path.name}: expected one bash block with {marker!r}, found {len(found)}"
    return found[0]


def as_reader_socket(text: str, sock: Path) -> str:
    """The message as the reader sees it: our socket path -> /var/run/docker.sock (also
    in the URL, where the client writes the path with %2F)."""
    for ours, theirs in ((str(sock), READER_SOCKET), (str(sock).replace("/", "%2F"), READER_SOCKET.replace("/", "%2F"))):
        text = text.replace(ours, theirs)
    return text


def client() -> str:
    docker = shutil.which("docker")
    require(docker is not None, "a docker client on PATH")
    return docker


def check(marker: str, stdout: str, stderr: str) -> None:
    for path in PAGES:
        comparison = compare(page_output(path, marker), stdout, stderr)
        assert comparison.ok, f"{path.name}: {comparison.problems}\nstdout:\n{stdout}\nstderr:\n{stderr}"


def test_cannot_connect_to_the_docker_daemon(tmp_path):
    """No daemon listens on the socket: the client's own message."""
    sock = tmp_path / "docker.sock"  # never created
    assert "docker ps" in [b.body.strip() for b in blocks(PAGES[0]) if b.lang == "bash"]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DOCKER_CONFIG": str(tmp_path / "config"),
           "DOCKER_HOST": f"unix://{sock}"}
    result = subprocess.run([client(), "ps"], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    check("Cannot connect to the Docker daemon", as_reader_socket(result.stdout, sock),
          as_reader_socket(result.stderr, sock))


def test_permission_denied_on_the_docker_socket(tmp_path):
    """A user outside the socket's group (here `nobody`) connects to a root-owned socket
    with mode 0660, as the docker.io package installs it."""
    # Root switches to nobody itself; a CI runner's user does it through passwordless sudo.
    can_switch, _ = can_be_root()
    require(can_switch and shutil.which("setpriv") is not None, "root or passwordless sudo, and setpriv, to run as nobody")
    as_root = [] if os.geteuid() == 0 else ["sudo", "-n"]
    base = tmp_path / "run"
    base.mkdir()
    for folder in (tmp_path, base):
        folder.chmod(0o755)
    sock = base / "docker.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(sock))
        server.listen(1)
        sock.chmod(0o660)
        config = tmp_path / "config"
        config.mkdir(mode=0o777)
        config.chmod(0o777)
        env = {"PATH": os.environ["PATH"], "HOME": str(config), "DOCKER_CONFIG": str(config),
               "DOCKER_HOST": f"unix://{sock}"}
        # env -i: sudo would reset the environment; the client gets exactly this one.
        command = [*as_root, "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                   "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", client(), "ps"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    finally:
        server.close()
    assert result.returncode != 0
    check("permission denied while trying to connect", as_reader_socket(result.stdout, sock),
          as_reader_socket(result.stderr, sock))


def _elf_header(machine: int) -> bytes:
    """The 64-byte header of a little-endian 64-bit ELF executable for `machine`
    (183 = AArch64): enough for the kernel to refuse it with ENOEXEC on another CPU."""
    return (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
            + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0x400000, 64, 0, 0, 64, 56, 0, 64, 0, 0))


def _arm64_image(docs_engine, name: str, tmp_path: Path) -> None:
    """A one-file image whose config says linux/arm64/v8, as if built on Apple silicon:
    /bin/uname is an AArch64 ELF header. `docker import` then `docker save`, the config's
    architecture changed, `docker load`."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as tar:
        data = _elf_header(183)
        info = tarfile.TarInfo("bin/uname")
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
    docs_engine.engine.docker("import", "-", f"{name}:build", input=layer.getvalue())
    saved = tmp_path / "saved"
    saved.mkdir()
    archive = docs_engine.engine.docker("save", f"{name}:build").stdout
    docs_engine.engine.docker("image", "rm", f"{name}:build")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(saved, filter="data")
    manifest = json.loads((saved / "manifest.json").read_text())
    config_path = saved / manifest[0]["Config"]
    config = json.loads(config_path.read_text())
    config.update(architecture="arm64", variant="v8")
    data = json.dumps(config).encode()
    config_path.unlink()
    manifest[0]["Config"] = hashlib.sha256(data).hexdigest() + ".json"  # a config is named by its digest
    (saved / manifest[0]["Config"]).write_bytes(data)
    manifest[0]["RepoTags"] = [f"{name}:latest"]
    (saved / "manifest.json").write_text(json.dumps(manifest))
    (saved / "repositories").unlink(missing_ok=True)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for item in sorted(saved.iterdir()):
            tar.add(item, arcname=item.name)
    docs_engine.engine.docker("load", input=out.getvalue())


def test_exec_format_error(docs_engine, tmp_path):
    """An arm64 image on an amd64 host: the engine's platform warning and the kernel's
    ENOEXEC, as runc reports it."""
    require(platform.machine() == "x86_64", "an x86_64 host (the page shows an arm64 image on amd64)")
    command = page_command(PAGES[0], "erro-arm64 uname")
    _arm64_image(docs_engine, "erro-arm64", tmp_path)
    try:
        env = docs_engine.page_env(tmp_path / "config")
        result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=60)
        platform_line = subprocess.run(["bash", "-c", page_command(PAGES[0], "{{.Os}}/{{.Architecture}}")],
                                       env=env, capture_output=True, text=True, timeout=60)
    finally:
        docs_engine.engine.docker("image", "rm", "erro-arm64", check=False)
    assert result.returncode != 0
    assert platform_line.stdout.strip() == "linux/arm64", platform_line
    check("exec format error", result.stdout, result.stderr)



class _Registry:
    """A stand-in registry with the answers of the distribution spec: `GET /v2/` says the
    API is there; every manifest gets the error `code` (MANIFEST_UNKNOWN with 404 for a tag
    that does not exist, DENIED with 403 for a repository the client may not read), with
    the message the spec gives that code and a `detail` object. (Without a `detail`, the
    engine's registry client keeps only the code, and the daemon prints just `manifest
    unknown` or `denied`: the messages readers paste show the full form.)"""

    MESSAGES = {"MANIFEST_UNKNOWN": (404, "manifest unknown"),
                "DENIED": (403, "requested access to the resource is denied")}

    def __init__(self, code: str):
        import http.server
        import threading
        status, message = self.MESSAGES[code]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                if self.path == "/v2/":
                    body, answer = b"{}", 200
                else:
                    body, answer = json.dumps({"errors": [{"code": code, "message": message, "detail": {}}]}).encode(), status
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Docker-Distribution-API-Version", "registry/2.0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self):  # noqa: N802
                self.do_GET()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.mark.parametrize(("code", "image", "marker"), [
    ("MANIFEST_UNKNOWN", "nginx:99", "manifest for nginx:99"),
    ("DENIED", "erro/nao-existe", "pull access denied for"),
])
def test_registry_errors(docs_engine, tmp_path, code, image, marker):
    """The page's `docker pull` against a stand-in registry (the engine treats 127.0.0.1
    as an insecure registry, so plain HTTP works): the engine's own message, with the
    stand-in's address taken out of the image name."""
    command = page_command(PAGES[0], f"docker pull {image}")
    assert command == f"docker pull {image}"
    registry = _Registry(code)
    prefix = f"{registry.host}/" + ("" if "/" in image else "library/")
    try:
        env = docs_engine.page_env(tmp_path / "config")
        result = subprocess.run(["docker", "pull", prefix + image], env=env, capture_output=True, text=True,
                                timeout=60)
    finally:
        registry.close()
    assert result.returncode != 0
    check(marker, result.stdout.replace(prefix, ""), result.stderr.replace(prefix, ""))
