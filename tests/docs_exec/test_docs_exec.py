"""Executable documentation: every page's shell blocks run against a real Docker Engine.

One test per page runs its ```bash blocks in order as one scenario (dx_scenario.py)
against a private dockerd (dx_engine.py) with the images the pages use (dx_images.py),
and checks each shown output by pattern (dx_outputs.py). `.no-exec` blocks are
syntax-checked here without an engine.
"""

from __future__ import annotations

import pytest

from dx_report import SESSION
from dx_outputs import compare, line_pattern
from dx_scenario import Runner, _is_file_block, page_id, plan, syntax_check
from helpers import DOCS, source_pages
from markdown_blocks import SHELL_LANGS, blocks, shell_commands

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
    result = docs_engine.runner(tmp_path / "docker-config").run(path, tmp_path / "work", tmp_path / "state")
    result.leftovers = docs_engine.reset()
    SESSION.pages.append(result)
    failures = [describe_failure(result, r) for r in result.failures]
    broken_base = [left for left in result.leftovers if left.startswith("base image")]
    assert not failures and not broken_base, result.summary() + "\n" + "\n".join(failures + broken_base)


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
    same commands (comments aside) and create the same files (titled output blocks, such
    as "Saída não conferida nos testes: …", are translated and not compared)."""
    def commands(path):
        return ([c for b in blocks(path) if b.lang == "bash" and b.runnable for _, c in shell_commands(b)],
                [b.attrs["title"] for b in blocks(path) if _is_file_block(b)])
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
