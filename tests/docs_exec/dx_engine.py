"""A private Docker Engine for the executed examples.

`Engine.start()` runs `dockerd` with its own socket, data root, exec root and pidfile
under a temporary directory; every docker command of the tests goes through
``DOCKER_HOST=unix://<that socket>``, so no other daemon is ever touched.

Networking:
- alone on the machine (no other ``dockerd`` process): the default ``docker0`` bridge
  with iptables, exactly what a reader's machine has;
- next to another daemon (the GitHub runner's own dockerd): an own bridge and
  ``--iptables=false``, as Docker documents for running several daemons, so the other
  daemon's bridge and rules stay untouched (``-p 127.0.0.1:…`` still works through the
  userland proxy); one FORWARD rule accepts bridged traffic, so that the other daemon's
  DROP policy does not cut containers of this engine off from each other, and a
  MASQUERADE rule with two FORWARD rules give them the way out to the internet that
  ``--ip-masq`` would have given (a `RUN apt-get install` in a build needs it).

It also uses its own containerd namespace, in case it shares a system containerd with
another daemon.

`Engine.stop()` removes every container, stops the daemon by its PID, unmounts what it
left and deletes the bridge it created; alone on the machine it also undoes its
netfilter changes (the DOCKER* rules and chains it added, the FORWARD policy and
net.ipv4.ip_forward it changed), by diffing against a snapshot taken before the start.

Needs root; as another user it uses ``sudo -n`` (passwordless sudo, as on GitHub's
runners) and gives the socket to the user's group.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

OWN_BRIDGE_PREFIX = "dkb"  # + the pid: two test runs side by side never share a bridge
CONTAINERD_NAMESPACE = "docker-basico"
IP_FORWARD = "/proc/sys/net/ipv4/ip_forward"


class EngineError(RuntimeError):
    pass


def can_be_root() -> tuple[bool, str]:
    """Whether this process can run commands as root (directly or with sudo -n)."""
    if os.geteuid() == 0:
        return True, "root"
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return True, "sudo -n"
    return False, "not root and no passwordless sudo"


@contextlib.contextmanager
def host_lock(name: str, timeout: float = 1800):
    """An exclusive lock shared by every docs_exec run on this machine (flock on a file
    in the system's temporary directory), for what the runs cannot share: the host ports
    the pages publish (`--publish 127.0.0.1:8080:80`, then `curl 127.0.0.1:8080`) and
    the choice of a free subnet for a bridge. Yields the seconds spent waiting."""
    path = Path(tempfile.gettempdir()) / f"docker-basico-{name}.lock"
    # Open without O_CREAT when the file exists: with fs.protected_regular, even root may
    # not O_CREAT-open another user's file in a sticky /tmp. flock needs no write access.
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            fd = os.open(path, os.O_RDONLY)
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started > timeout:
                    raise EngineError(f"another docs_exec run held {path} for more than {timeout:.0f} s")
                time.sleep(0.5)
        yield time.monotonic() - started
    finally:
        os.close(fd)  # releases the lock


def other_dockerd_pids(exclude: set[int] = frozenset()) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in exclude:
            continue
        try:
            if (proc / "comm").read_text().strip() == "dockerd":
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


# --- netfilter snapshot / restore ---------------------------------------------------

TABLES = ("filter", "nat", "mangle", "raw")


def _save(tool: str, table: str, root) -> dict:
    """Chains (with policies) and rules of one table, from `<tool>-save`."""
    result = subprocess.run(root([f"{tool}-save", "-t", table]), capture_output=True, text=True)
    chains: dict[str, str] = {}
    rules: list[str] = []
    if result.returncode != 0:
        return {"chains": chains, "rules": rules, "ok": False}
    for line in result.stdout.splitlines():
        if line.startswith(":"):
            name, policy = line[1:].split()[:2]
            chains[name] = policy
        elif line.startswith("-A "):
            rules.append(line)
    return {"chains": chains, "rules": rules, "ok": True}


def netfilter_snapshot(root) -> dict:
    snap = {}
    for tool in ("iptables", "ip6tables"):
        if not shutil.which(f"{tool}-save"):
            continue
        for table in TABLES:
            snap[(tool, table)] = _save(tool, table, root)
    return snap


def _docker_related(text: str) -> bool:
    return "DOCKER" in text or "docker0" in text


def netfilter_restore(before: dict, root) -> list[str]:
    """Undo what appeared since `before`: added rules, added chains, changed policies.

    Only Docker's own rules and chains (DOCKER*, docker0) are touched, so a rule that
    something else added meanwhile stays."""
    done = []
    for (tool, table), old in before.items():
        if not old["ok"]:
            continue
        now = _save(tool, table, root)
        if not now["ok"]:
            continue
        old_rules = list(old["rules"])
        # Delete added rules (newest first); a rule present before is kept.
        for rule in reversed(now["rules"]):
            if rule in old_rules:
                old_rules.remove(rule)
                continue
            if not _docker_related(rule):
                continue
            args = shlex.split(rule)
            args[0] = "-D"
            if subprocess.run(root([tool, "-t", table, *args]), capture_output=True).returncode == 0:
                done.append(f"{tool} -t {table} {shlex.join(args)}")
        for chain, policy in now["chains"].items():
            if chain not in old["chains"] and _docker_related(chain):
                subprocess.run(root([tool, "-t", table, "-F", chain]), capture_output=True)
                if subprocess.run(root([tool, "-t", table, "-X", chain]), capture_output=True).returncode == 0:
                    done.append(f"{tool} -t {table} -X {chain}")
            elif policy != old["chains"][chain] and old["chains"][chain] != "-":
                subprocess.run(root([tool, "-t", table, "-P", chain, old["chains"][chain]]), capture_output=True)
                done.append(f"{tool} -t {table} -P {chain} {old['chains'][chain]}")
    return done


def link_exists(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def _free_subnet() -> str:
    """A /24 in 10.213.0.0/16 that no route on the host uses."""
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True).stdout
    for third in range(0, 256):
        prefix = f"10.213.{third}."
        if prefix not in routes:
            return f"10.213.{third}.1/24"
    raise EngineError("no free 10.213.x.0/24 subnet for the test bridge")


@dataclass
class Engine:
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dkb-")))
    proc: subprocess.Popen | None = None
    pid: int | None = None
    mode: str = ""  # "alone" (docker0 + iptables) or "beside another dockerd"
    bridge_created: str | None = None
    netfilter_before: dict = field(default_factory=dict)
    ip_forward_before: str | None = None
    forward_rule: list[str] = field(default_factory=list)  # beside mode: see start()
    nat_rules: list[list[str]] = field(default_factory=list)  # beside mode: see start()
    cleanup_log: list[str] = field(default_factory=list)
    sudo: bool = os.geteuid() != 0

    @property
    def socket(self) -> Path:
        return self.base / "docker.sock"

    @property
    def host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log_path(self) -> Path:
        return self.base / "dockerd.log"

    def root(self, cmd: list[str]) -> list[str]:
        return ["sudo", "-n", *cmd] if self.sudo else cmd

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a docker client talking to this daemon only."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        env.update(DOCKER_HOST=self.host, DOCKER_CLI_HINTS="false", DOCKER_CONFIG=str(self.base / "client-config"))
        env.update(extra)
        return env

    def docker(self, *args: str, client: str = "docker", check: bool = True, timeout: float = 120,
               input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run([client, *args], env=env or self.env(), capture_output=True,
                                timeout=timeout, input=input)
        if check and result.returncode != 0:
            raise EngineError(f"docker {' '.join(args)} failed ({result.returncode}):\n"
                              f"{result.stdout.decode(errors='replace')}{result.stderr.decode(errors='replace')}")
        return result

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --- start ---------------------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
        if not Path(dockerd).exists():
            raise EngineError("dockerd is not installed (apt-get install docker.io)")
        (self.base / "client-config").mkdir(parents=True, exist_ok=True)

        args = [
            dockerd,
            "--host", self.host,
            "--data-root", str(self.base / "data"),
            "--exec-root", str(self.base / "exec"),
            "--pidfile", str(self.base / "docker.pid"),
            "--containerd-namespace", CONTAINERD_NAMESPACE,
            "--containerd-plugins-namespace", f"{CONTAINERD_NAMESPACE}-plugins",
        ]
        if self.sudo:
            args += ["--group", str(os.getgid())]
        others = other_dockerd_pids()
        if others:
            bridge = f"{OWN_BRIDGE_PREFIX}{os.getpid()}"
            self.mode = (f"beside another dockerd (pid {', '.join(map(str, others))}): own bridge {bridge}, "
                         "--iptables=false")
            with host_lock("bridge-subnet", timeout=120):  # two runs starting at once pick different subnets
                subnet = _free_subnet()
                for cmd in (["ip", "link", "add", bridge, "type", "bridge"],
                            ["ip", "addr", "add", subnet, "dev", bridge],
                            ["ip", "link", "set", bridge, "up"]):
                    subprocess.run(self.root(cmd), check=True, capture_output=True)
            self.bridge_created = bridge
            args += ["--bridge", bridge, "--iptables=false", "--ip-masq=false"]
            # With br_netfilter loaded, the other daemon's FORWARD policy (DROP) also
            # filters traffic between two containers on one bridge, and this daemon adds
            # no rule (--iptables=false): containers could not reach each other, by IP
            # or by name (redes.md, compose.md). Accept bridged traffic while this engine
            # runs, as Docker's own rules do for its bridges; stop() deletes the rule.
            rule = ["FORWARD", "-m", "physdev", "--physdev-is-bridged", "-m", "comment",
                    "--comment", f"docs_exec {bridge}", "-j", "ACCEPT"]
            if shutil.which("iptables") and subprocess.run(self.root(["iptables", "-I", *rule]),
                                                           capture_output=True).returncode == 0:
                self.forward_rule = rule
            # --ip-masq=false also leaves the containers without a way out: a `RUN apt-get
            # install` in a build (boas-praticas-dockerfile.md) could not reach the Debian
            # mirror. Masquerade this bridge's subnet and let its traffic (and the replies)
            # through the FORWARD chain, as the daemon does for docker0; stop() deletes them.
            network = subnet.rsplit(".", 1)[0] + ".0/24"
            tag = ["-m", "comment", "--comment", f"docs_exec {bridge}"]
            for table_rule in (["-t", "nat", "POSTROUTING", "-s", network, "!", "-o", bridge, *tag, "-j", "MASQUERADE"],
                               ["FORWARD", "-i", bridge, "!", "-o", bridge, *tag, "-j", "ACCEPT"],
                               ["FORWARD", "-o", bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED",
                                *tag, "-j", "ACCEPT"]):
                table = table_rule[:2] if table_rule[0] == "-t" else []
                spec = table_rule[len(table):]
                if shutil.which("iptables") and subprocess.run(self.root(["iptables", *table, "-I", *spec]),
                                                               capture_output=True).returncode == 0:
                    self.nat_rules.append([*table, *spec])
        else:
            # What a reader's machine has; the netfilter state is recorded to undo it later.
            self.mode = "alone: default docker0 bridge with iptables"
            self.netfilter_before = netfilter_snapshot(self.root)
            try:
                self.ip_forward_before = Path(IP_FORWARD).read_text().strip()
            except OSError:
                self.ip_forward_before = None
            if not link_exists("docker0"):
                self.bridge_created = "docker0"

        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.root(args), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EngineError(f"dockerd exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.socket.exists():
                ok = subprocess.run(["docker", "version"], env=self.env(), capture_output=True, timeout=10)
                if ok.returncode == 0:
                    break
            time.sleep(0.1)
        else:
            raise EngineError(f"dockerd did not answer within {timeout:.0f} s:\n{self.log_tail()}")
        pidfile = self.base / "docker.pid"
        self.pid = int(pidfile.read_text().strip()) if pidfile.exists() else self.proc.pid

    # --- stop ----------------------------------------------------------------------

    def stop(self) -> list[str]:
        log = self.cleanup_log
        if self.proc is not None and self.proc.poll() is None:
            try:
                ids = self.docker("ps", "--all", "--quiet", check=False, timeout=30).stdout.decode().split()
                if ids:
                    self.docker("rm", "--force", "--volumes", *ids, check=False, timeout=120)
                    log.append(f"removed {len(ids)} container(s)")
            except subprocess.TimeoutExpired:
                log.append("docker rm -f timed out")
            pid = self.pid or self.proc.pid
            subprocess.run(self.root(["kill", "-TERM", str(pid)]), capture_output=True)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                subprocess.run(self.root(["kill", "-KILL", str(pid)]), capture_output=True)
                self.proc.wait(timeout=10)
                log.append("dockerd needed SIGKILL")
            log.append(f"stopped dockerd (pid {pid})")
        # Mounts the daemon may have left (overlay, netns, shm) under our directory.
        try:
            mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        except OSError:
            mounts = []
        for mount in sorted((m for m in mounts if m.startswith(str(self.base) + "/")), key=len, reverse=True):
            subprocess.run(self.root(["umount", "-l", mount]), capture_output=True)
            log.append(f"unmounted {mount}")
        if self.bridge_created and link_exists(self.bridge_created):
            subprocess.run(self.root(["ip", "link", "delete", self.bridge_created]), capture_output=True)
            log.append(f"deleted bridge {self.bridge_created}")
        if self.forward_rule:
            subprocess.run(self.root(["iptables", "-D", *self.forward_rule]), capture_output=True)
            log.append("deleted the FORWARD rule for bridged traffic")
        for rule in self.nat_rules:
            table = rule[:2] if rule[0] == "-t" else []
            subprocess.run(self.root(["iptables", *table, "-D", *rule[len(table):]]), capture_output=True)
        if self.nat_rules:
            log.append(f"deleted {len(self.nat_rules)} masquerading rule(s) of the own bridge")
        if self.netfilter_before:
            log.extend(netfilter_restore(self.netfilter_before, self.root))
        try:
            if self.ip_forward_before is not None and Path(IP_FORWARD).read_text().strip() != self.ip_forward_before:
                subprocess.run(self.root(["sysctl", "-q", "-w", f"net.ipv4.ip_forward={self.ip_forward_before}"]),
                               capture_output=True)
                log.append(f"net.ipv4.ip_forward back to {self.ip_forward_before}")
        except OSError:
            pass
        subprocess.run(self.root(["rm", "-rf", str(self.base)]), capture_output=True)
        return log
