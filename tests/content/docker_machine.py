"""Docker Machine's command line, kept as data (the tool is retired and not installed).

Source: the reference pages of docker/machine v0.16.2 (docs/reference/*.md,
archived repository) — subcommands and the flags each accepts. Only the flags
documented there are listed; driver flags are listed for the drivers the site
mentions. Values: True when the flag takes a value.
"""

from __future__ import annotations

GLOBAL = {
    "--debug": False, "-D": False, "--storage-path": True, "-s": True,
    "--tls-ca-cert": True, "--tls-ca-key": True, "--tls-client-cert": True,
    "--tls-client-key": True, "--github-api-token": True, "--native-ssh": False,
    "--bugsnag-api-token": True, "--help": False, "-h": False, "--version": False, "-v": False,
}

_CREATE = {
    "--driver": True, "-d": True, "--engine-install-url": True, "--engine-opt": True,
    "--engine-insecure-registry": True, "--engine-registry-mirror": True, "--engine-label": True,
    "--engine-storage-driver": True, "--engine-env": True, "--tls-san": True, "--swarm": False,
    "--swarm-image": True, "--swarm-master": False, "--swarm-discovery": True,
    # virtualbox driver
    "--virtualbox-memory": True, "--virtualbox-cpu-count": True, "--virtualbox-disk-size": True,
    "--virtualbox-boot2docker-url": True, "--virtualbox-hostonly-cidr": True,
    "--virtualbox-no-share": False, "--virtualbox-share-folder": True,
    # hyperv driver
    "--hyperv-virtual-switch": True, "--hyperv-memory": True, "--hyperv-cpu-count": True,
    "--hyperv-disk-size": True,
    # generic driver (an existing host over SSH)
    "--generic-ip-address": True, "--generic-ssh-user": True, "--generic-ssh-key": True,
    "--generic-ssh-port": True,
}

SUBCOMMANDS: dict[str, dict[str, bool]] = {
    "active": {"--timeout": True, "-t": True},
    "config": {"--swarm": False},
    "create": _CREATE,
    "env": {"--swarm": False, "--shell": True, "--unset": False, "-u": False, "--no-proxy": False},
    "help": {},
    "inspect": {"--format": True, "-f": True},
    "ip": {},
    "kill": {},
    "ls": {"--quiet": False, "-q": False, "--filter": True, "--timeout": True, "-t": True,
           "--format": True, "-f": True},
    "mount": {"--unmount": False, "-u": False},
    "provision": {},
    "regenerate-certs": {"--force": False, "-f": False, "--client-certs": False},
    "restart": {},
    "rm": {"--force": False, "-f": False, "-y": False},
    "scp": {"--recursive": False, "-r": False, "--delta": False, "-d": False, "--quiet": False, "-q": False},
    "ssh": {},
    "start": {},
    "status": {},
    "stop": {},
    "upgrade": {},
    "url": {},
    "version": {},
}


def check(words: list[str]) -> list[str]:
    """Problems with one `docker-machine ...` invocation (words[0] == 'docker-machine')."""
    i = 1
    while i < len(words) and words[i].startswith("-"):
        flag = words[i].split("=", 1)[0]
        if flag not in GLOBAL:
            return [f"unknown docker-machine global option {flag}"]
        i += 2 if GLOBAL[flag] and "=" not in words[i] else 1
    if i >= len(words):
        return []
    sub = words[i]
    if sub not in SUBCOMMANDS:
        return [f"docker-machine has no subcommand '{sub}'"]
    flags = SUBCOMMANDS[sub]
    problems = []
    i += 1
    while i < len(words):
        word = words[i]
        if sub == "ssh" and not word.startswith("-"):
            break  # after the machine name come the remote command's own words
        if word.startswith("-") and word != "-":
            flag = word.split("=", 1)[0]
            if flag not in flags:
                problems.append(f"'docker-machine {sub}' has no option {flag}")
            elif flags[flag] and "=" not in word:
                i += 1
        i += 1
    return problems
