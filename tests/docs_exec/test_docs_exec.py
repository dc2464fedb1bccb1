"""Executable documentation: every page's shell blocks run against a real Docker Engine.

One test per page runs its ```bash blocks in order as one scenario (dx_scenario.py)
against a private dockerd (dx_engine.py) with the images the pages use (dx_images.py),
and checks each shown output by pattern (dx_outputs.py). `.no-exec` blocks are
syntax-checked here without an engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dx_engine import host_lock
from dx_outputs import compare, line_pattern
from dx_report import SESSION
from dx_scenario import Runner, page_id, plan, syntax_check
from helpers import DOCS, source_pages
from markdown_blocks import blocks, is_file_block, shell_commands

HERE = Path(__file__).resolve().parent

PAGES = [p for p in source_pages() if any(s.kind == "run" for s in plan(p))]
NO_EXEC = [(p, s.block) for p in source_pages() for s in plan(p) if s.kind == "skip"]


def describe_failure(page, r) -> str:
    where = f"{page.path.name}:{r.line}"
    text = f"{where}: {r.reason}"
    if r.command:
        text += f"\n  command: {r.command}"
    if r.comparison is not None and not r.comparison.ok:
        text += "\n  " + "\n  ".join(r.comparison.problems[:12])
    for name, stream in (("output", r.output), ("stderr", r.stderr)):
        if stream:
            shown = stream if len(stream) < 3000 else stream[:1500] + "\n[…]\n" + stream[-1500:]
            text += f"\n  {name}:\n    " + shown.rstrip().replace("\n", "\n    ")
    return text


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_page_examples_run(path, docs_engine, tmp_path):
    """The page's blocks run and show their real outputs, and the page's cleanup removes
    everything the page created: a snapshot before its first block and after its last
    (containers, images, volumes, networks, the client's contexts, files in its working
    directory) must match."""
    work = tmp_path / "work"
    work.mkdir()
    # Other docs_exec runs on this machine publish the same host ports: one page at a time.
    with host_lock("pages") as waited:
        config = tmp_path / "docker-config"
        before = docs_engine.snapshot(work, config)
        result = docs_engine.runner(config).run(path, work, tmp_path / "state")
        left = docs_engine.created_and_left(before, docs_engine.snapshot(work, config))
        result.leftovers = docs_engine.reset()
    result.waited = waited
    result.not_cleaned = left
    SESSION.pages.append(result)
    failures = [describe_failure(result, r) for r in result.failures]
    broken_base = [item for item in result.leftovers if item.startswith("base image")]
    cleanup = [f"{path.name}: the page's cleanup leaves behind what it created: {item}" for item in left]
    assert not failures and not broken_base and not cleanup, \
        result.summary() + "\n" + "\n".join(failures + broken_base + cleanup)


SELF_TEST_PAGE = """# Página de teste

```bash
docker run --rm busybox echo ok
mkdir -p sub && cd sub
export SAUDACAO=oi
```

```text
ok
```

```text title="nota.txt"
escrito pelo leitor
```

```bash
basename "$PWD"
cat nota.txt
echo "$SAUDACAO"
echo um
```

```text
sub
escrito pelo leitor
oi
dois
```

```bash
echo antes
docker run --rm busybox sh -c 'exit 3'
echo depois
```

```bash
echo nunca
```
"""


def test_scenario_reports_page_line_and_command(docs_engine, tmp_path):
    """The harness itself: state carries over, a wrong output is named, a failing command
    stops the page and is named with its line."""
    page = tmp_path / "pagina-teste.md"
    page.write_text(SELF_TEST_PAGE, encoding="utf-8")
    runner = Runner(env=docs_engine.page_env(tmp_path / "docker-config"), images_local=docs_engine.images.local)
    result = runner.run(page, tmp_path / "work", tmp_path / "state")
    docs_engine.reset()
    statuses = [(r.line, r.kind, r.status) for r in result.results]
    assert statuses == [(3, "run", "passed"), (13, "file", "written"), (17, "run", "failed"),
                        (31, "run", "failed"), (37, "run", "not run")], statuses
    mismatch, failure = result.results[2], result.results[3]
    assert mismatch.comparison.problems == ["no line like: dois"], mismatch.comparison.problems
    assert failure.command == "docker run --rm busybox sh -c 'exit 3'"
    assert failure.reason == "exit status 3 at line 33", failure.reason
    assert "antes" in failure.output and "depois" not in failure.output
    assert "2 FAILED" in result.summary()


def test_english_pages_run_the_same_commands():
    """The Portuguese pages are the ones executed: their English editions must have the
    same commands (comments aside) and create the same files."""
    def commands(path):
        return ([c for b in blocks(path) if b.lang == "bash" and b.runnable for _, c in shell_commands(b)],
                [b.attrs["title"] for b in blocks(path) if is_file_block(b)])
    problems = []
    for english in sorted(DOCS.rglob("*.en.md")):
        source = english.with_name(english.name[: -len(".en.md")] + ".md")
        if source.exists() and commands(english) != commands(source):
            problems.append(f"{english.name} and {source.name} differ in their commands or files")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path,block", NO_EXEC, ids=[f"{page_id(p)}:{b.line}" for p, b in NO_EXEC])
def test_no_exec_block_is_valid_shell(path, block):
    error = syntax_check(block)
    assert error is None, f"{path.name}:{block.line}: bash -n: {error}"


# --- the output matcher, without an engine -----------------------------------------

@pytest.mark.parametrize("expected,actual", [
    ("b7d41e0c9a2f   exemplo-site:1.0   \"/docker-entrypoint.…\"   2 seconds ago   Up 1 second    "
     "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   exemplo-site",
     "53bbb8209673   exemplo-site:1.0   \"/docker-entrypoint.…\"   About a minute ago   Up About a minute   "
     "0.0.0.0:8080->80/tcp, :::8080->80/tcp   exemplo-site"),
    ("sha256:6d3e4188a38af91b0c1a552f4d0c6e8b2a1d9f3e7c5b4a29180f6e5d4c3b2a10",
     "sha256:bda2384f26eb9c1a0ab3f3d2b6a3e0b8e5a9ad4a5f3a3c1e27f2f3c1e1c0d9e7"),
    ("Deleted: sha256:7d0e5f3a1c2b…", "Deleted: sha256:bda2384f26eb9c1a0ab3f3d2b6a3e0b8e5a9ad4a5f3a3c1e27f2f3c1e1c0d9e7"),
    ("2025-06-02T14:03:14.120553081Z 172.17.0.1 - - [02/Jun/2025:14:03:14 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" "
     "\"curl/7.88.1\" \"-\"",
     "2026-11-30T02:29:03.000000001Z 10.213.0.1 - - [30/Nov/2026:02:29:03 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" "
     "\"curl/8.5.0\" \"-\""),
    ("-rw------- 1 voce voce 190M set 18 14:05 exemplo-site.tar",
     "-rw------- 1 root root 87M Nov 30 02:29 exemplo-site.tar"),
    ("TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\nImages          4         1         271.6MB   267.3MB (98%)",
     "TYPE TOTAL ACTIVE SIZE RECLAIMABLE\nImages 5 2 190.2MB 100.1MB (52%)"),
])
def test_matcher_accepts_what_varies(expected, actual):
    result = compare(expected, actual)
    assert result.ok, result.problems


@pytest.mark.parametrize("expected,actual", [
    ("exited 137", "exited 0"),
    ("67108864 500000000 50", "134217728 500000000 50"),
    ("Olá, mundo", "Olá, Docker"),
    ("ctr-web\nrunning", "running\nctr-web"),  # order matters
    ("CONTAINER ID   IMAGE   STATUS\nb72c9e4d1a3f   busybox   Exited (0) 9 seconds ago",
     "CONTAINER ID IMAGE STATUS\nb72c9e4d1a3f busybox Exited (1) 9 seconds ago"),
])
def test_matcher_rejects_what_does_not_vary(expected, actual):
    assert not compare(expected, actual).ok


def test_matcher_keeps_order_within_each_stream_only():
    expected = "Este arquivo mora no host.\nsh: can't create /site/novo.txt: Read-only file system\nmontagem somente leitura"
    stdout, stderr = "Este arquivo mora no host.\nmontagem somente leitura\n", "sh: can't create /site/novo.txt: Read-only file system\n"
    assert compare(expected, stdout, stderr).ok
    assert not compare("b\na", "a\nb\n").ok


def test_matcher_json_is_compared_by_structure():
    expected = '[{"Id": "sha256:1e5f3c5b981a…", "Config": {"Env": ["NGINX_VERSION=1.29.1"], "StopSignal": "SIGQUIT"}}]'
    actual = ('[{"Id": "sha256:' + "a" * 64 + '", "Config": {"Cmd": ["nginx"], '
              '"Env": ["PATH=/usr/bin", "NGINX_VERSION=1.22.1"], "StopSignal": "SIGQUIT"}}]')
    assert compare(expected, actual).ok
    assert not compare(expected, actual.replace("SIGQUIT", "SIGTERM")).ok


def test_matcher_reads_buildkit_plain_progress():
    expected = (" => CACHED [2/4] WORKDIR /usr/share/nginx/html  0.0s\n"
                " => [4/4] COPY site/ .  0.1s\n => => naming to docker.io/library/exemplo-site:1.0  0.0s")
    actual = ("#5 [2/4] WORKDIR /usr/share/nginx/html\n#5 CACHED\n\n#7 [4/4] COPY site/ .\n#7 DONE 0.1s\n\n"
              "#8 exporting to image\n#8 naming to docker.io/library/exemplo-site:1.0 done\n#8 DONE 0.0s\n")
    assert compare(expected, actual).ok, compare(expected, actual).problems
    assert not compare(expected, actual.replace("#5 CACHED", "#5 DONE 0.2s")).ok


def test_line_pattern_keeps_tags_literal():
    assert "exemplo\\-site:1\\.0" in line_pattern("exemplo-site:1.0")


# --- image listings: same-second rows in any order, the rest in order --------------

IMAGE_LS_PAGE = """REPOSITORY      TAG       IMAGE ID       CREATED          SIZE
inicio-imagem   v3        6900ace514f0   30 seconds ago   4.28MB
inicio-imagem   v2        5380876165e9   1 minute ago     4.28MB
inicio-imagem   estavel   c7dbfb51c607   2 minutes ago    4.28MB
inicio-imagem   v1        c7dbfb51c607   2 minutes ago    4.28MB"""


def _image_ls(*rows):
    return "REPOSITORY TAG IMAGE ID CREATED SIZE\n" + "\n".join(rows) + "\n"


def test_image_listing_rows_created_in_the_same_second_match_in_any_order():
    """issue #16: v2 and v3 built within one second came out as v2, v3."""
    actual = _image_ls("inicio-imagem v2 aaaaaaaaaaaa 2 seconds ago 4.26MB",
                       "inicio-imagem v3 bbbbbbbbbbbb 2 seconds ago 4.26MB",
                       "inicio-imagem estavel cccccccccccc 9 seconds ago 4.26MB",
                       "inicio-imagem v1 cccccccccccc 9 seconds ago 4.26MB")
    assert compare(IMAGE_LS_PAGE, actual).ok, compare(IMAGE_LS_PAGE, actual).problems
    # The real creation seconds decide when the runner knows them.
    same = {"aaaaaaaaaaaa": 100, "bbbbbbbbbbbb": 100, "cccccccccccc": 93}
    assert compare(IMAGE_LS_PAGE, actual, created=same).ok
    apart = {"aaaaaaaaaaaa": 101, "bbbbbbbbbbbb": 100, "cccccccccccc": 93}
    assert not compare(IMAGE_LS_PAGE, actual, created=apart).ok


@pytest.mark.parametrize("rows", [
    # created in different seconds: the engine's order is defined
    ("inicio-imagem v2 aaaaaaaaaaaa 5 seconds ago 4.26MB", "inicio-imagem v3 bbbbbbbbbbbb 2 seconds ago 4.26MB",
     "inicio-imagem estavel cccccccccccc 9 seconds ago 4.26MB", "inicio-imagem v1 cccccccccccc 9 seconds ago 4.26MB"),
    # two tags of one image keep the engine's (sorted) order
    ("inicio-imagem v3 bbbbbbbbbbbb 2 seconds ago 4.26MB", "inicio-imagem v2 aaaaaaaaaaaa 2 seconds ago 4.26MB",
     "inicio-imagem v1 cccccccccccc 9 seconds ago 4.26MB", "inicio-imagem estavel cccccccccccc 9 seconds ago 4.26MB"),
    # a row missing
    ("inicio-imagem v3 bbbbbbbbbbbb 2 seconds ago 4.26MB", "inicio-imagem v2 aaaaaaaaaaaa 2 seconds ago 4.26MB",
     "inicio-imagem v1 cccccccccccc 9 seconds ago 4.26MB"),
])
def test_image_listing_keeps_the_order_the_engine_defines(rows):
    assert not compare(IMAGE_LS_PAGE, _image_ls(*rows)).ok


def test_image_listing_other_lines_keep_their_place():
    page = "Untagged: exemplo-busybox:teste\n" + IMAGE_LS_PAGE
    actual = _image_ls("inicio-imagem v3 bbbbbbbbbbbb 2 seconds ago 4.26MB", "inicio-imagem v2 aaaaaaaaaaaa 2 seconds ago 4.26MB",
                       "inicio-imagem estavel cccccccccccc 9 seconds ago 4.26MB",
                       "inicio-imagem v1 cccccccccccc 9 seconds ago 4.26MB")
    assert compare(page, "Untagged: exemplo-busybox:teste\n" + actual).ok
    assert not compare(page, actual + "Untagged: exemplo-busybox:teste\n").ok


def test_rfc3339_to_the_engines_seconds():
    from dx_clients import unix_seconds
    assert unix_seconds("1970-01-01T00:00:01.999999999Z") == 1
    assert unix_seconds("1970-01-01T01:00:02+01:00") == 2


# --- stand-in images: exactly the listed differences ------------------------------

import dx_standins  # noqa: E402

PS_OFFICIAL = "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 ps\n2a5003f1cd9e"
PS_STAND_IN = "PID   USER     COMMAND\n    1 root     sleep 3600\n   13 root     ps\n53bbb8209673\n"
PS_COMMANDS = "docker exec inicio-a ps\ndocker exec inicio-a hostname"


def _check(commands, expected, actual, local=True, differences=None):
    applied = dx_standins.apply(commands, expected, local, differences)
    return not applied.problems and compare(applied.expected, actual).ok, applied


def test_a_listed_difference_is_bridged_for_the_stand_in_only():
    ok, applied = _check(PS_COMMANDS, PS_OFFICIAL, PS_STAND_IN)
    assert ok and applied.notes == ["adapted for the local stand-in: busybox-ps-time"]
    # With the official image (pulled), nothing is adapted: the stand-in's output fails.
    assert not _check(PS_COMMANDS, PS_OFFICIAL, PS_STAND_IN, local=False)[0]


def test_an_unlisted_difference_fails():
    assert not _check(PS_COMMANDS, PS_OFFICIAL, PS_STAND_IN, differences=[])[0]
    others = [d for d in dx_standins.DIFFERENCES if d.key != "busybox-ps-time"]
    assert not _check(PS_COMMANDS, PS_OFFICIAL, PS_STAND_IN, differences=others)[0]
    # A listed difference changes only what it names: another column stays checked.
    wrong_user = PS_OFFICIAL.replace("root      0:00 sleep", "nobody    0:00 sleep")
    assert not _check(PS_COMMANDS, wrong_user, PS_STAND_IN)[0]


def test_a_page_showing_the_stand_ins_output_fails():
    ok, applied = _check(PS_COMMANDS, PS_STAND_IN, PS_STAND_IN)
    assert not ok and "busybox-ps-time" in applied.problems[0]
    assert not _check("docker history debian:bookworm-slim",
                      "IMAGE CREATED CREATED BY SIZE COMMENT\nabc123abc123 2 days ago debootstrap --variant=minbase "
                      "bookworm 74MB Debian 12.12", "", local=False)[0]


def test_a_touched_difference_without_adapter_fails():
    ok, applied = _check("docker run --rm busybox cat /etc/nsswitch.conf", "hosts: files dns",
                         "hosts: files dns\nnetworks: files\n")
    assert not ok and "busybox-nsswitch" in applied.problems[0]


def test_debian_base_layer_and_digest_and_pull_are_adapted():
    history = ("IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT\n"
               "<missing>      3 weeks ago   # debian.sh --arch 'amd64' out/ 'trixie' '@1…   78.6MB    debuerreotype 0.15")
    actual = ("IMAGE CREATED CREATED BY SIZE COMMENT\n<missing> 6 days ago "
              + dx_standins.ellipsis(dx_standins.DEBIAN_CREATED_BY, 45) + " 74.9MB Debian 12.12\n")
    assert _check("docker history nginx", history, actual)[0]
    assert not _check("docker history nginx", history, actual.replace("debootstrap", "mmdebstrap"))[0]
    digests = ("REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE\n"
               "nginx        latest    sha256:" + "5" * 64 + "   1e5f3c5b981a   2 weeks ago   192MB")
    assert _check("docker image ls --digests nginx", digests,
                  "REPOSITORY TAG DIGEST IMAGE ID CREATED SIZE\nnginx latest <none> 0123456789ab 6 days ago 150MB\n")[0]
    pull = ("Using default tag: latest\nlatest: Pulling from library/nginx\nb1badc6e5066: Pull complete\n"
            "Digest: sha256:" + "5" * 64 + "\nStatus: Downloaded newer image for nginx:latest\n"
            "docker.io/library/nginx:latest\nolá")
    assert _check("docker pull nginx\necho olá", pull, "olá\n")[0]
    assert not _check("docker pull nginx\necho olá", pull, "oi\n")[0]


def test_every_difference_names_its_source():
    for diff in dx_standins.DIFFERENCES:
        assert diff.sources and all(len(s) > 20 for s in diff.sources), diff.key
        assert diff.adapt or diff.stand_in_form or diff.touches, diff.key


def test_stand_in_differences_are_real(docs_engine):
    """Each probe shows the difference still holds in the local stand-in (skipped with
    pulled images, where there is no stand-in)."""
    if not docs_engine.images.local:
        pytest.skip("the official images were pulled: no stand-ins to probe")
    import re
    stale = []
    for diff in dx_standins.DIFFERENCES:
        if diff.probe is None:
            continue
        image, command, expect = diff.probe
        out = docs_engine.docker("run", "--rm", "--entrypoint", "sh", image, "-c", command)
        if not re.search(expect, out, re.M):
            stale.append(f"{diff.key}: `{command}` in {image} printed {out!r}, expected /{expect}/")
    assert not stale, "stale entries in dx_standins.DIFFERENCES:\n" + "\n".join(stale)


# --- the English edition's outputs are checked against the same run ---------------

def test_english_output_blocks_are_compared_with_the_same_run(tmp_path):
    import os
    (tmp_path / "pagina.md").write_text("# P\n\n```bash\necho um\n```\n\n```text\num\n```\n", encoding="utf-8")
    (tmp_path / "pagina.en.md").write_text("# P\n\n```bash\necho um\n```\n\n```text\none\n```\n", encoding="utf-8")
    runner = Runner(env=dict(os.environ), images_local=True)
    result = runner.run(tmp_path / "pagina.md", tmp_path / "work", tmp_path / "state")
    assert [r.status for r in result.results] == ["failed"]
    assert "pagina.en.md:7" in result.results[0].reason


# --- { .bash .fails }: an error shown as the reader meets it ------------------------

FAILS_PAGE = """# P

``` { .bash .fails }
echo antes
ls /nao-existe
```

```text
antes
ls: cannot access '/nao-existe': No such file or directory
```

``` { .bash .fails }
ls /nao-existe
echo depois
```

``` { .bash .fails }
ls /nao-existe
```

```text
outra mensagem
```

``` { .bash .fails }
echo tudo certo
```

```bash
echo a página continua
```
"""


def test_a_fails_block_must_fail_at_its_last_command_and_show_its_error(tmp_path):
    """A .fails block passes when its last command fails with the output shown; it fails
    when it succeeds, when an earlier command fails, or when the error differs, and the
    page goes on after an expected failure."""
    import os
    page = tmp_path / "pagina.md"
    page.write_text(FAILS_PAGE, encoding="utf-8")
    runner = Runner(env=dict(os.environ), images_local=True)
    results = runner.run(page, tmp_path / "work", tmp_path / "state", stop_after_failure=False).results
    assert [(r.line, r.status) for r in results] == [(3, "passed"), (13, "failed"), (18, "failed"),
                                                     (26, "failed"), (30, "passed")], results
    assert "before the last command of a .fails block" in results[1].reason
    assert results[2].comparison.problems == ["no line like: outra mensagem"], results[2].comparison.problems
    assert "exited with status 0" in results[3].reason


# --- the page's cleanup -------------------------------------------------------------

def test_cleanup_names_what_the_page_created_and_left():
    from dx_clients import DocsEngine
    docs = DocsEngine(engine=None, clients=None, images=None, base_ids={"busybox:latest": "sha256:" + "1" * 64})
    before = {"containers": set(), "images": {"sha256:" + "1" * 64 + " busybox:latest"}, "volumes": set(),
              "networks": {"n1 bridge"}, "files": set()}
    after = {"containers": {"c" * 64 + " inicio-a"},
             "images": {"sha256:" + "1" * 64 + " busybox:latest", "sha256:" + "2" * 64 + " busybox:latest",
                        "sha256:" + "3" * 64 + " <none>:<none>"},
             "volumes": {"inicio-dados"}, "networks": {"n1 bridge", "n2 rede"}, "contexts": {"default", "exemplo"},
             "files": {"inicio-site", "inicio-site/leia.txt"}}
    before["contexts"] = {"default"}
    left = docs.created_and_left(before, after)
    assert left == ["containers: inicio-a (cccccccccccc)", "images: <none>:<none> (333333333333)",
                    "volumes: inicio-dados", "networks: rede (n2)", "contexts: exemplo",
                    "files: inicio-site, inicio-site/leia.txt"], left
    assert docs.created_and_left(before, before) == []


def test_host_lock_makes_runs_take_turns(tmp_path, monkeypatch):
    """Two docs_exec runs on one machine: the second waits for the first's page."""
    import subprocess
    import sys
    import time
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from dx_engine import host_lock\n"
        "with host_lock('pages'):\n    print('held', flush=True); time.sleep(1.5)\n") % str(HERE)],
        stdout=subprocess.PIPE, text=True, env={**__import__('os').environ, "TMPDIR": str(tmp_path)})
    assert holder.stdout.readline().strip() == "held"
    with host_lock("pages") as waited:
        assert waited >= 0.5
    holder.wait(timeout=10)
    assert (tmp_path / "docker-basico-pages.lock").exists()


# --- { .bash .settles }: state the engine records a moment after the command before --

SETTLES_PAGE = """# P

``` { .bash .settles }
docker inspect --format '{{.State.ExitCode}} {{.State.OOMKilled}}' ctr-oom
```

```text
137 true
```
"""

# A stand-in `docker` that reads `false` until its Nth call (DKB_TRUE_FROM), like an
# engine that records the OOM a moment after the exit; a `{{true}}` template prints true.
FAKE_DOCKER = """#!/bin/bash
n=$(( $(cat "$DKB_CALLS" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$DKB_CALLS"
echo "$*" >> "$DKB_CALLS.log"
case "$*" in
  *'{{true}}'*) echo "137 true" ;;
  inspect*) if [ "$n" -ge "$DKB_TRUE_FROM" ]; then echo "137 true"; else echo "137 false"; fi ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
"""


def _settles_runner(tmp_path, true_from, **kwargs):
    import os
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "docker").write_text(FAKE_DOCKER, encoding="utf-8")
    (bin_dir / "docker").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DKB_CALLS": str(tmp_path / "calls"),
           "DKB_TRUE_FROM": str(true_from)}
    return Runner(env=env, images_local=True, **kwargs)


def _run_page(tmp_path, runner, text):
    page = tmp_path / "pagina.md"
    page.write_text(text, encoding="utf-8")
    return runner.run(page, tmp_path / "work", tmp_path / "state", stop_after_failure=False).results


def test_a_settles_block_runs_again_until_its_output_matches(tmp_path):
    runner = _settles_runner(tmp_path, true_from=3, settle_bound=5.0, settle_pause=0.05)
    [result] = _run_page(tmp_path, runner, SETTLES_PAGE)
    assert (result.status, result.runs) == ("passed", 3), (result.status, result.runs, result.reason)
    assert "settled after 3 runs" in result.output_note, result.output_note
    # Without .settles, the first reading is the one compared.
    (tmp_path / "plain").mkdir()
    runner = _settles_runner(tmp_path / "plain", true_from=3)
    [result] = _run_page(tmp_path / "plain", runner, SETTLES_PAGE.replace(" .settles", ""))
    assert (result.status, result.runs) == ("failed", 1)


def test_a_settles_block_that_never_matches_fails_after_the_bound(tmp_path):
    import time
    runner = _settles_runner(tmp_path, true_from=10_000, settle_bound=1.0, settle_pause=0.05)
    started = time.perf_counter()
    [result] = _run_page(tmp_path, runner, SETTLES_PAGE)
    took = time.perf_counter() - started
    assert result.status == "failed" and result.runs >= 2, (result.status, result.runs)
    assert 0.9 < took < 1.0 + 2.0, took  # the bound, plus at most one last run
    assert f"still different after {result.runs} runs" in result.reason, result.reason
    assert result.comparison.problems == ["no line like: 137 true"], result.comparison.problems


def test_a_settles_block_may_only_read(tmp_path):
    runner = _settles_runner(tmp_path, true_from=1)
    page = SETTLES_PAGE.replace("docker inspect", "docker rm --force ctr-oom\ndocker inspect")
    [result] = _run_page(tmp_path, runner, page)
    assert result.status == "failed", result
    assert "pagina.md:4: `docker rm --force ctr-oom` in a .settles block" in result.reason, result.reason
    assert not (tmp_path / "calls").exists(), "the refused block must not run"


def test_an_oom_the_engine_logged_after_the_exit_is_bridged_only_with_that_evidence(tmp_path):
    """Docker 20.10 leaves OOMKilled=false when containerd delivers the OOM after the exit
    (dx_scenario.OOM_AFTER_EXIT): the block is read once more with the flag the event log
    proves, and only then."""
    asked = []

    def logged(answer):
        def oom_lost(name, since):
            asked.append(name)
            return answer
        return oom_lost

    runner = _settles_runner(tmp_path, true_from=10_000, settle_bound=0.3, settle_pause=0.05,
                             oom_lost=logged(True))
    [result] = _run_page(tmp_path, runner, SETTLES_PAGE)
    assert result.status == "passed" and asked == ["ctr-oom"], (result.status, result.reason, asked)
    assert "OOMKilled adapted for the test engine" in result.output_note, result.output_note
    other = tmp_path / "sem-evento"
    other.mkdir()
    runner = _settles_runner(other, true_from=10_000, settle_bound=0.3, settle_pause=0.05, oom_lost=logged(False),
                             oom_events=lambda name, since: ["die"])
    [result] = _run_page(other, runner, SETTLES_PAGE)
    assert result.status == "failed" and "adapted" not in result.output_note, (result.status, result.output_note)
    # The failure says what the engine logged, so a lost OOM report is told from a wrong page.
    assert "engine events (die/oom) since the page started: ctr-oom: die" in result.reason, result.reason


def test_settles_oom_evidence_order():
    from dx_clients import oom_after_last_die
    assert oom_after_last_die(["die", "oom"])
    assert oom_after_last_die(["oom", "die", "die", "oom"])
    assert not oom_after_last_die(["oom", "die"])
    assert not oom_after_last_die(["oom"]) and not oom_after_last_die([])


def test_settles_oom_evidence_comes_from_the_engines_event_log(docs_engine, tmp_path):
    """The engine's event log, as DocsEngine.oom_lost reads it: an OOM-killed container
    has both events; one stopped by `docker kill` has no `oom`, and nothing is bridged."""
    import time
    since = time.time() - 1
    # sleep 1: the OOM comes after containerd watches the container (containerd#12405)
    docs_engine.docker("run", "--name", "settles-oom", "--memory", "16m", "--memory-swap", "16m",
                       "busybox", "sh", "-c", "sleep 1; tail /dev/zero")
    docs_engine.docker("run", "--detach", "--name", "settles-kill", "busybox", "sleep", "60")
    docs_engine.docker("kill", "settles-kill")
    try:
        assert sorted(docs_engine.container_events("settles-oom", since)) == ["die", "oom"]
        assert docs_engine.container_events("settles-kill", since) == ["die"]
        assert not docs_engine.oom_lost("settles-kill", since)
    finally:
        docs_engine.docker("rm", "--force", "settles-oom", "settles-kill")
        docs_engine.reset()
