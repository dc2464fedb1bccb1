"""Every known difference between the local stand-in images and the official ones.

Where no registry answers, dx_images.py builds busybox:latest, debian:bookworm-slim and
nginx:latest here (Debian packages, laid out like the official images). The pages must
always show what a reader gets with the **official** images. This module is the one
explicit list of what the stand-ins do differently, each entry with its primary source;
the output check applies exactly these differences and no others:

- ``adapt``: with local stand-ins, the page's (official) output is rewritten into what the
  stand-in prints, for this difference only, before the comparison; the report names the
  adaptation. With pulled images nothing is adapted.
- ``stand_in_form``: the stand-in's own output, which no reader sees; a page that shows
  it fails, with or without a registry.
- an entry that a block ``touches`` (by its commands) but has no ``adapt`` makes that
  block fail: the harness cannot check the official output there, so the page must mark
  the output block ``.no-check`` with the reason, or the stand-in must be brought closer.
- ``probe``: a command run in the stand-in whose output shows the difference still holds
  (test_stand_in_differences_are_real), so a stale entry is noticed.

Values that vary anyway (IDs, digests, dates, sizes, versions) are the output matcher's
business (dx_outputs.VOLATILE), not this list's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from dx_images import DEBIAN_CREATED_BY


@dataclass(frozen=True)
class Difference:
    key: str
    image: str
    official: str  # what a reader gets with the official image
    stand_in: str  # what the local stand-in does instead
    sources: tuple[str, ...]  # primary sources (URLs, repository paths)
    touches: re.Pattern  # searched in a block's commands: which blocks can show it
    adapt: Callable[[str], str] | None = None  # official expected text -> the stand-in's
    stand_in_form: re.Pattern | None = None  # searched in a page's expected text
    probe: tuple[str, str, str] | None = None  # (image, sh command, regex its output matches)


# --- adapters ------------------------------------------------------------------------

PS_HEADER = re.compile(r"^(\s*PID\s+USER\s+)TIME\s+(COMMAND\s*)$")
PS_ROW_TIME = re.compile(r"^(\s*\d+\s+\S+\s+)\d+:\d{2}\s+")


def _ps_without_time(text: str) -> str:
    out, in_ps = [], False
    for line in text.splitlines():
        header = PS_HEADER.match(line)
        if header:
            in_ps = True
            out.append(header.group(1) + header.group(2))
            continue
        if in_ps and PS_ROW_TIME.match(line):
            out.append(PS_ROW_TIME.sub(r"\1", line))
            continue
        in_ps = False
        out.append(line)
    return "\n".join(out)


def ellipsis(text: str, width: int) -> str:
    """docker/cli's stringutils.Ellipsis: at most `width` runes, the last one "…"."""
    return text if len(text) <= width else text[: width - 1] + "…"


DEBUERREOTYPE = re.compile(r"# debian\.sh --arch \S+ out/ \S+ (?:'@\d+'|\S*…)")
DEBUERREOTYPE_COMMENT = re.compile(r"debuerreotype \S+")


def _debian_base_layer(text: str) -> str:
    out = []
    for line in text.splitlines():
        if DEBUERREOTYPE_COMMENT.search(line):
            def created_by(match: re.Match) -> str:
                return ellipsis(DEBIAN_CREATED_BY, 45) if match.group(0).endswith("…") else DEBIAN_CREATED_BY
            line = DEBUERREOTYPE.sub(created_by, line)
            line = DEBUERREOTYPE_COMMENT.sub("Debian 12.0", line)  # the point release: any version matches
        out.append(line)
    return "\n".join(out)


DIGEST_ROW = re.compile(r"^((?:docker\.io/library/)?(?:busybox|debian|nginx)\s+\S+\s+)sha256:[0-9a-f]{64}(?=\s)")


def _no_repo_digest(text: str) -> str:
    return "\n".join(DIGEST_ROW.sub(r"\1<none>", line) for line in text.splitlines())


PULL_LINES = re.compile(
    r"^\s*(?:Using default tag: \S+|\S+: Pulling from \S+|[0-9a-f]{12}: (?:Pull complete|Already exists|"
    r"Pulling fs layer|Waiting|Download complete|Verifying Checksum)|Digest: sha256:\S+|"
    r"Status: (?:Downloaded newer image|Image is up to date) for \S+|docker\.io/library/(?:busybox|debian|nginx)\S*)\s*$")
FIRST_RUN_LINES = re.compile(r"^\s*Unable to find image '\S+' locally\s*$")


def _drop(pattern: re.Pattern) -> Callable[[str], str]:
    def adapt(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not pattern.match(line))
    return adapt


def _drop_first_run(text: str) -> str:
    """"Unable to find image … locally" and the pull progress that follows it."""
    if not any(FIRST_RUN_LINES.match(line) for line in text.splitlines()):
        return text
    return _drop(PULL_LINES)(_drop(FIRST_RUN_LINES)(text))


# --- the list ------------------------------------------------------------------------

BUSYBOX_BUILDER = "https://github.com/docker-library/busybox/blob/master/Dockerfile-builder.template"
DEBIAN_STATIC = ("Debian busybox 1:1.35.0-4 (busybox-static), config debian/config/pkg/static: "
                 "https://salsa.debian.org/installer-team/busybox/-/tree/master/debian/config/pkg")
DOCKER_RUN = r"\bdocker\s+(?:container\s+)?(?:run|exec|create)\b"

DIFFERENCES: list[Difference] = [
    Difference(
        "busybox-ps-time", "busybox",
        official="`ps` prints PID, USER, TIME and COMMAND: the image is built with `make defconfig`, where "
                 "DESKTOP and FEATURE_PS_TIME are on, so the default columns are pid,user,time,args",
        stand_in="Debian's busybox-static is built without FEATURE_PS_TIME: `ps` prints PID, USER and COMMAND",
        sources=("https://git.busybox.net/busybox/tree/procps/ps.c?h=1_37_stable "
                 "(FEATURE_PS_TIME: default y, depends on DESKTOP; DEFAULT_O_STR \"pid,user\" IF_FEATURE_PS_TIME(\",time\") \",args\")",
                 BUSYBOX_BUILDER + " (`make defconfig`)", DEBIAN_STATIC),
        touches=re.compile(DOCKER_RUN + r".*\bps\b"),
        adapt=_ps_without_time,
        stand_in_form=re.compile(r"^\s*PID\s+USER\s+COMMAND\s*$", re.M),
        probe=("busybox:latest", "ps -o time 2>&1 || true", r"bad -o argument 'time'"),
    ),
    Difference(
        "busybox-nsswitch", "busybox",
        official="/etc/nsswitch.conf is Debian's default file, copied from the glibc builder "
                 "(passwd/group/shadow/gshadow: files, hosts: files dns, …)",
        stand_in="/etc/nsswitch.conf has only `hosts: files dns` and `networks: files`",
        sources=(BUSYBOX_BUILDER + " (`cp /etc/nsswitch.conf rootfs/etc/`)",),
        touches=re.compile(r"nsswitch"),
        probe=("busybox:latest", "wc -l < /etc/nsswitch.conf", r"^\s*2\s*$"),
    ),
    Difference(
        "busybox-glibc-libs", "busybox",
        official="busybox is linked against glibc: /lib holds libc and the libnss libraries, /lib64 is a "
                 "symlink to it and /bin/getconf is Debian's",
        stand_in="one static binary: no /lib, /lib64 or getconf",
        sources=(BUSYBOX_BUILDER + " (the glibc variant's ldd loop and getconf)",),
        touches=re.compile(DOCKER_RUN + r".*(?:\bls\b[^|;&]*\s/(?:\s|$)|/lib\b|/lib64\b|getconf|\bldd\b)"),
        probe=("busybox:latest", "ls -d /lib /lib64 2>&1 || true", r"No such file"),
    ),
    Difference(
        "busybox-applet-links", "busybox",
        official="the applets in /bin are hard links to /bin/busybox (`busybox --install /bin`)",
        stand_in="the applets in /bin are symbolic links to busybox",
        sources=(BUSYBOX_BUILDER + " (`chroot rootfs /bin/busybox --install /bin`)",),
        touches=re.compile(DOCKER_RUN + r".*(?:\bls\s+-\w*l\w*[^|;&]*/bin|\breadlink\s+[^|;&]*/bin/|\bstat\b[^|;&]*/bin/)"),
        probe=("busybox:latest", "readlink /bin/ls", r"^busybox$"),
    ),
    Difference(
        "debian-base-layer", "debian:bookworm-slim (and nginx, built on it)",
        official="`docker history` shows the base layer built by debuerreotype: CREATED BY "
                 "`# debian.sh --arch 'amd64' out/ 'bookworm' '@EPOCH'`, COMMENT `debuerreotype 0.15`",
        stand_in=f"the base layer comes from debootstrap: CREATED BY `{DEBIAN_CREATED_BY}`, COMMENT "
                 "`Debian 12.N` (the point release)",
        sources=("https://github.com/debuerreotype/docker-debian-artifacts (the bookworm/slim rootfs and its "
                 "image config history)", "https://github.com/debuerreotype/debuerreotype"),
        touches=re.compile(r"\bdocker\s+(?:image\s+)?history\b"),
        adapt=_debian_base_layer,
        stand_in_form=re.compile(r"debootstrap --variant=minbase"),
        probe=("debian:bookworm-slim", "test -e /etc/debian_version && echo ok", r"^ok$"),
    ),
    Difference(
        "repo-digest", "busybox, debian:bookworm-slim, nginx",
        official="a pulled image has a repository digest: `docker image ls --digests` shows sha256:… in DIGEST",
        stand_in="a locally built image has none: DIGEST is <none>",
        sources=("https://docs.docker.com/reference/cli/docker/image/ls/#digests",),
        touches=re.compile(r"--digests\b|RepoDigests"),
        adapt=_no_repo_digest,
    ),
    Difference(
        "no-registry-pull", "busybox, debian:bookworm-slim, nginx",
        official="`docker pull` downloads the image and prints its progress, digest and status",
        stand_in="no registry answers: a page's `docker pull` becomes a check that the name resolves to the "
                 "stand-in (dx_scenario.PULL); its progress lines are not printed, the block's other lines are checked",
        sources=("https://docs.docker.com/reference/cli/docker/image/pull/",),
        touches=re.compile(r"\bdocker\s+(?:image\s+)?pull\b"),
        adapt=_drop(PULL_LINES),
    ),
    Difference(
        "images-provided-beforehand", "busybox, debian:bookworm-slim, nginx",
        official="on a reader's first run, `docker run`/`docker create` print \"Unable to find image 'X' locally\" "
                 "and the pull progress before the command's own output",
        stand_in="the harness provides the three images before the pages run (pulled or built), so that first-run "
                 "download never happens",
        sources=("https://github.com/docker/cli/blob/master/cli/command/container/create.go "
                 "(\"Unable to find image '%s' locally\")",),
        touches=re.compile(r"\bdocker\s+(?:container\s+)?(?:run|create)\b"),
        adapt=_drop_first_run,
    ),
    Difference(
        "nginx-entrypoint-d", "nginx",
        official="/docker-entrypoint.d/ holds 10-listen-on-ipv6-by-default.sh, 15-local-resolvers.envsh, "
                 "20-envsubst-on-templates.sh and 30-tune-worker-processes.sh; the entrypoint runs them and logs "
                 "each one, and the first adds `listen [::]:80;` to default.conf",
        stand_in="no /docker-entrypoint.d/ scripts: the entrypoint logs \"No files found in /docker-entrypoint.d/, "
                 "skipping configuration\" and default.conf listens on IPv4 only",
        sources=("https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile",
                 "https://github.com/nginxinc/docker-nginx/blob/master/entrypoint/docker-entrypoint.sh"),
        touches=re.compile(r"docker-entrypoint\.d|conf\.d/default\.conf|\blisten\b"),
        stand_in_form=re.compile(r"No files found in /docker-entrypoint\.d/"),
        probe=("nginx:latest", "ls -A /docker-entrypoint.d 2>&1 | wc -l", r"^\s*[01]\s*$"),
    ),
    Difference(
        "nginx-package", "nginx",
        official="nginx comes from nginx.org's packages (mainline, NGINX_VERSION 1.29.x), with its own "
                 "/etc/nginx layout (no modules-enabled, sites-*, snippets) and nginx.conf",
        stand_in="nginx is Debian's package (1.22.x) with the official image's nginx.conf settings plus "
                 "`include /etc/nginx/modules-enabled/*.conf;` and a `# docker-basico:` comment; /etc/nginx keeps "
                 "Debian's other files",
        sources=("https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile",
                 "tests/docs_exec/nginx/nginx.conf"),
        touches=re.compile(r"/etc/nginx\b(?!/nginx\.conf|/conf\.d)|\bnginx\s+-V\b"),
        stand_in_form=re.compile(r"modules-enabled|docker-basico:"),
        probe=("nginx:latest", "ls /etc/nginx", r"modules-enabled"),
    ),
]


def _versions_vary(text: str) -> str:
    """Nothing to rewrite: dx_outputs matches any version number (and any number inside a
    table) already, for the stand-ins and for newer official releases alike."""
    return text


DIFFERENCES += [
    Difference(
        "busybox-version", "busybox",
        official="BusyBox 1.37.0, glibc variant; `docker history` shows `BusyBox 1.37.0 (glibc), Debian 13`, "
                 "created 2024-09-26T21:31:42Z (SOURCE_DATE_EPOCH of the release tarball)",
        stand_in="Debian's BusyBox 1.35.0; history `BusyBox 1.35.0 (glibc), Debian 12`, created at the binary's mtime",
        sources=("https://github.com/docker-library/busybox/blob/dist-amd64/latest/glibc/amd64/image-config.json",),
        touches=re.compile(r"busybox.*--help|docker\s+(?:image\s+)?history"),
        adapt=_versions_vary,
    ),
    Difference(
        "nginx-version", "nginx",
        official="nginx.org's mainline nginx (NGINX_VERSION=1.29.x; `nginx -v` and the Server header say nginx/1.29.x)",
        stand_in="Debian 12's nginx 1.22.1 (NGINX_VERSION=1.22.1)",
        sources=("https://github.com/nginxinc/docker-nginx/blob/master/mainline/debian/Dockerfile (ENV NGINX_VERSION)",),
        touches=re.compile(r"NGINX_VERSION|nginx\s+-[vV]|curl[^|;&]*\s-(?:I|-head|i|-include)|docker\s+(?:image\s+)?inspect"),
        adapt=_versions_vary,
    ),
    Difference(
        "debian-point-release", "debian:bookworm-slim",
        official="the image is rebuilt for each point release; /etc/debian_version reads its 12.N",
        stand_in="debootstrap from the mirror at build time (cached per ISO week): its own 12.N",
        sources=("https://github.com/debuerreotype/docker-debian-artifacts (bookworm/slim)",),
        touches=re.compile(r"debian_version|os-release"),
        adapt=_versions_vary,
    ),
]

BY_KEY = {d.key: d for d in DIFFERENCES}


@dataclass
class Applied:
    expected: str  # what the comparison uses
    notes: list[str]  # adaptations made, for the report
    problems: list[str]  # the page shows a stand-in's output, or an output the harness cannot check


def apply(commands: str, expected: str, images_local: bool,
          differences: list[Difference] | None = None) -> Applied:
    """The page's expected output for one block, as the comparison must use it."""
    differences = DIFFERENCES if differences is None else differences
    notes: list[str] = []
    problems: list[str] = []
    for diff in differences:
        if diff.stand_in_form is not None and diff.stand_in_form.search(expected):
            problems.append(f"the page shows the stand-in's output ({diff.key}: {diff.stand_in}); a reader with the "
                            f"official image gets: {diff.official}")
            continue
        if not images_local or not diff.touches.search(commands):
            continue
        if diff.adapt is None:
            problems.append(f"this output depends on a known stand-in difference the harness cannot bridge "
                            f"({diff.key}: {diff.stand_in}); mark the output block .no-check with the reason, "
                            "or bring the stand-in closer")
            continue
        adapted = diff.adapt(expected)
        if adapted != expected:
            notes.append(f"adapted for the local stand-in: {diff.key}")
            expected = adapted
    return Applied(expected, notes, problems)
