"""Outputs on the pages: each is checked by a real run or visibly marked as not checked,
and illustrative values are consistent across pages: one image, one ID (and size) everywhere.

Output blocks (markdown_blocks.output_blocks): the ```text block right after a command
block is its output. tests/docs_exec compares it with a real run, unless the block says,
on the page, that it is not checked and why:
``` { .text .no-check title="Saída não conferida nos testes: REASON" } ```.

The outputs on the pages are real captures or faithful illustrations, and a reader who
follows several pages on one machine sees each base image with one ID. This test reads
every output block of both languages and attributes image IDs, sizes, creation times and
repository digests to an image name (repo:tag), from:

- image listings (`REPOSITORY TAG [DIGEST] IMAGE ID CREATED SIZE` tables);
- `docker image inspect --format '{{.Id}}' NAME…` (one sha256 line per name, in order)
  and inspect JSON (`"Id"` with its `"RepoTags"`);
- the first row of `docker history NAME` (that image's own ID);
- `Untagged: NAME` right before `Deleted: sha256:…` (`docker image rm`), and the
  "image is being used" conflict message;
- `docker pull NAME` (`Digest: sha256:…`) and `NAME@sha256:…` references.

Then: the three base images show their canonical values (BASE_IMAGES) everywhere; every
name has one full ID and one repository digest across all pages; and the English edition
of a page shows exactly the values of the Portuguese one, in the same order.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import DOCS, ROOT
from markdown_blocks import (SHELL_LANGS, blocks, output_block_problems, output_blocks, settles_block_problems,
                             shell_commands)

# What the page helpers were told to use for the three images every page relies on.
BASE_IMAGES = {
    "busybox:latest": {"id": "6d3e4188a38a", "size": "4.28MB"},
    "nginx:latest": {"id": "1e5f3c5b981a", "size": "192MB"},
    "debian:bookworm-slim": {"id": "7c2e9d1f0a4b", "size": "74.8MB"},
}

HEADER = re.compile(r"^REPOSITORY\s+TAG\s+(?P<digest>DIGEST\s+)?IMAGE ID\s+CREATED\s+SIZE\s*$")
ROW = re.compile(r"^(?P<repo>\S+)\s+(?P<tag>\S+)\s+(?:(?P<digest>sha256:[0-9a-f]+\S*|<none>)\s+)?"
                 r"(?P<id>(?:sha256:)?[0-9a-f]{12}\S*)\s+(?P<created>.+?)\s+(?P<size>\d+(?:\.\d+)?[kMG]?B)\s*$")
SHA_LINE = re.compile(r"^\s*(sha256:[0-9a-f]{12,64}…?)\s*$")
HISTORY = re.compile(r"\bdocker\s+(?:image\s+)?history\b(?P<args>.*)$")
INSPECT_ID = re.compile(r"\bdocker\s+(?:image\s+)?inspect\s+(?:--format|-f)\s+'\{\{\s*\.Id\s*\}\}'\s+(?P<names>.+)$")
PULL = re.compile(r"\bdocker\s+(?:image\s+)?pull\s+(?P<name>\S+)")
AT_DIGEST = re.compile(r"(?<![\w/.-])(?P<name>[\w./-]+)@(?P<digest>sha256:[0-9a-f]{64})")
CONFLICT = re.compile(r'reference "(?P<name>[^"]+)".*using its referenced image (?P<id>[0-9a-f]{12})')


def normalize(name: str) -> str:
    name = name.removeprefix("docker.io/").removeprefix("library/")
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else name + ":latest"


def hex_of(value: str) -> str:
    return value.removeprefix("sha256:").rstrip("…").rstrip(".")


@dataclass
class Fact:
    where: str
    name: str
    kind: str  # "id", "size", "created", "digest"
    value: str


def page_facts(path: Path) -> list[Fact]:
    facts: list[Fact] = []

    def add(line: int, name: str, kind: str, value: str) -> None:
        fact = Fact(f"{path.relative_to(ROOT).as_posix()}:{line}", normalize(name), kind, value.strip())
        if name and "<none>" not in name and fact not in facts:
            facts.append(fact)

    for out in output_blocks(path):
        block = out.block
        lines = block.body.splitlines()
        commands = [c for _, c in shell_commands(out.command)] if out.command else []
        # Image listings.
        in_table = False
        for n, line in enumerate(lines):
            at = block.line + 1 + n
            if HEADER.match(line):
                in_table = True
                continue
            row = ROW.match(line) if in_table else None
            if not row:
                in_table = False
                continue
            name = f"{row['repo']}:{row['tag']}"
            add(at, name, "id", row["id"])
            add(at, name, "size", row["size"])
            add(at, name, "created", row["created"])
            if row["digest"] and row["digest"] != "<none>":
                add(at, name, "digest", row["digest"])
        # Inspect JSON: "Id" with its "RepoTags".
        try:
            data = json.loads(block.body)
        except ValueError:
            data = None
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and "Id" in item:
                for tag in item.get("RepoTags") or []:
                    add(block.line, tag, "id", item["Id"])
        # `docker image rm`: "Untagged: NAME" then "Deleted: sha256:ID" is that image's ID.
        for n, line in enumerate(lines[:-1]):
            untagged = re.match(r"^\s*Untagged:\s+(\S+)\s*$", line)
            deleted = re.match(r"^\s*Deleted:\s+(sha256:\S+)\s*$", lines[n + 1])
            if untagged and deleted:
                add(block.line + 2 + n, untagged.group(1), "id", deleted.group(1))
        for n, line in enumerate(lines):
            conflict = CONFLICT.search(line)
            if conflict:
                add(block.line + 1 + n, conflict["name"], "id", conflict["id"])
        # Commands whose output lines belong to named images.
        sha_lines = [(block.line + 1 + n, m.group(1)) for n, line in enumerate(lines) if (m := SHA_LINE.match(line))]
        for command in commands:
            inspect = INSPECT_ID.search(command)
            if inspect:
                names = [w for w in shlex.split(inspect["names"]) if not w.startswith("-")]
                for name, (at, value) in zip(names, sha_lines):
                    add(at, name, "id", value)
                sha_lines = sha_lines[len(names):]
            history = HISTORY.search(command)
            if history:
                names = [w for w in shlex.split(history["args"]) if not w.startswith("-")]
                first = next((n for n, line in enumerate(lines) if line.startswith("IMAGE ")), None)
                if names and first is not None and first + 1 < len(lines):
                    value = lines[first + 1].split()[0] if lines[first + 1].split() else ""
                    if re.fullmatch(r"(?:sha256:)?[0-9a-f]{12}\S*", value):
                        add(block.line + 2 + first, names[0], "id", value)
                        age = re.match(r"^\S+\s+(\S.*? ago)\s", lines[first + 1])
                        if age:
                            add(block.line + 2 + first, names[0], "created", age.group(1))
        # `docker history`: a row built by the busybox image's builder is busybox:latest's layer.
        if any(HISTORY.search(c) for c in commands):
            for n, line in enumerate(lines):
                row = re.match(r"^((?:sha256:)?[0-9a-f]{12}\S*)\s+.*\bBusyBox \d", line)
                if row:
                    add(block.line + 1 + n, "busybox:latest", "id", row.group(1))
        # `docker pull`: the Digest lines, in order, belong to the pulled names, in order.
        pulled = [m["name"] for c in commands if (m := PULL.search(c)) and "@" not in m["name"]]
        digests = [(block.line + 1 + n, m.group(1)) for n, line in enumerate(lines)
                   if (m := re.match(r"^\s*Digest:\s+(sha256:\S+)\s*$", line))]
        for name, (at, value) in zip(pulled, digests):
            add(at, name, "digest", value)
    for block_line, text in ((b.line, b.body) for b in _shell_blocks(path)):
        for match in AT_DIGEST.finditer(text):
            add(block_line, match["name"], "digest", match["digest"])
    return facts


def _shell_blocks(path: Path):
    from markdown_blocks import SHELL_LANGS, blocks
    return [b for b in blocks(path) if b.lang in SHELL_LANGS]


def base_image_problems(facts: list[Fact]) -> list[str]:
    problems = []
    created: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for fact in facts:
        canonical = BASE_IMAGES.get(fact.name)
        if canonical is None:
            continue
        if fact.kind == "id" and not hex_of(fact.value).startswith(canonical["id"]) \
                and not canonical["id"].startswith(hex_of(fact.value)):
            problems.append(f"{fact.where}: {fact.name} shown with ID {fact.value}; everywhere it is {canonical['id']}")
        if fact.kind == "id" and len(hex_of(fact.value)) < 12:
            problems.append(f"{fact.where}: {fact.name} ID {fact.value} is cut below 12 digits")
        if fact.kind == "size" and fact.value != canonical["size"]:
            problems.append(f"{fact.where}: {fact.name} shown with SIZE {fact.value}; everywhere it is {canonical['size']}")
        if fact.kind == "created":
            created[fact.name].add((fact.value, fact.where))
    for name, seen in created.items():
        values = {value for value, _ in seen}
        if len(values) > 1:
            problems.append(f"{name} shown as created {' / '.join(sorted(values))} on different lines: "
                            + ", ".join(f"{where} ({value})" for value, where in sorted(seen, key=lambda s: s[1])))
    return problems


def one_value_problems(facts: list[Fact]) -> list[str]:
    """One full ID and one repository digest per name across all pages (short forms must
    be prefixes of it)."""
    problems = []
    by_name: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind in ("id", "digest"):
            by_name[(fact.name, fact.kind)].append(fact)
    for (name, kind), found in sorted(by_name.items()):
        if kind == "id" and name not in BASE_IMAGES:
            continue  # a page's own tag may move to a new build (docker build twice): the pages show that
        full = {hex_of(f.value) for f in found if len(hex_of(f.value)) == 64}
        if len(full) > 1:
            problems.append(f"{name}: {len(full)} different full {kind}s: "
                            + ", ".join(f"{f.where} {f.value}" for f in found if len(hex_of(f.value)) == 64))
        longest = max((hex_of(f.value) for f in found), key=len)
        for f in found:
            if not longest.startswith(hex_of(f.value)):
                problems.append(f"{f.where}: {name} {kind} {f.value} differs from {longest[:12]}… shown elsewhere")
    return problems


SOURCES = sorted(p for p in DOCS.glob("*.md") if not p.name.endswith(".en.md"))
ALL = sorted(DOCS.glob("*.md"))


def test_extractor_finds_the_base_images():
    """Guard against the extractor silently finding nothing."""
    facts = [f for p in ALL for f in page_facts(p)]
    named = {f.name for f in facts if f.kind == "id"}
    assert set(BASE_IMAGES) <= named, f"found IDs only for {sorted(named)}"


def test_base_images_show_the_same_id_size_and_age_everywhere():
    facts = [f for p in ALL for f in page_facts(p)]
    problems = base_image_problems(facts)
    assert not problems, "\n".join(problems)


def test_each_image_has_one_full_id_and_one_digest():
    facts = [f for p in ALL for f in page_facts(p)]
    problems = one_value_problems(facts)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_english_edition_shows_the_same_values(source):
    english = source.with_name(source.stem + ".en.md")
    if not english.exists():
        pytest.skip("no English edition")
    def values(path):
        return [(f.name, f.kind, f.value) for f in page_facts(path)]
    assert values(english) == values(source)


# --- the checks fail on bad input -----------------------------------------------------

def _facts(tmp_path, text, name="pagina.md"):
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    return page_facts(page)


def test_a_wrong_base_image_id_or_size_fails(tmp_path, monkeypatch):
    monkeypatch.setattr("test_consistency.ROOT", tmp_path)
    page = ("```bash\ndocker image ls busybox\n```\n\n```text\n"
            "REPOSITORY   TAG       IMAGE ID       CREATED        SIZE\n"
            "busybox      latest    af4709625109   8 weeks ago    4.26MB\n```\n")
    problems = base_image_problems(_facts(tmp_path, page))
    assert any("af4709625109" in p for p in problems) and any("4.26MB" in p for p in problems), problems


def test_two_full_ids_or_ages_for_one_image_fail(tmp_path, monkeypatch):
    monkeypatch.setattr("test_consistency.ROOT", tmp_path)
    page = ("```bash\ndocker image inspect --format '{{.Id}}' busybox:latest exemplo:teste\n```\n\n```text\n"
            "sha256:6d3e4188a38a" + "0" * 52 + "\nsha256:6d3e4188a38a" + "1" * 52 + "\n```\n\n"
            "```bash\ndocker history busybox\n```\n\n```text\n"
            "IMAGE          CREATED       CREATED BY     SIZE      COMMENT\n"
            "6d3e4188a38a   8 weeks ago   BusyBox        4.28MB\n```\n\n"
            "```bash\ndocker image ls\n```\n\n```text\nREPOSITORY TAG IMAGE ID CREATED SIZE\n"
            "busybox latest 6d3e4188a38a 9 months ago 4.28MB\n```\n\n"
            "```bash\ndocker image inspect --format '{{.Id}}' busybox\n```\n\n```text\n"
            "sha256:6d3e4188a38a" + "2" * 52 + "\n```\n")
    facts = _facts(tmp_path, page)
    assert [f.name for f in facts if f.kind == "id"][:2] == ["busybox:latest", "exemplo:teste"]
    assert any("2 different full ids" in p for p in one_value_problems(facts)), one_value_problems(facts)
    ages = base_image_problems(facts)
    assert any("8 weeks ago" in p and "9 months ago" in p for p in ages), ages


def test_a_wrong_digest_fails(tmp_path, monkeypatch):
    monkeypatch.setattr("test_consistency.ROOT", tmp_path)
    page = ("```bash\ndocker pull nginx\n```\n\n```text\nDigest: sha256:" + "a" * 64 + "\n```\n\n"
            "```bash\ndocker pull nginx@sha256:" + "b" * 64 + "\n```\n")
    problems = one_value_problems(_facts(tmp_path, page))
    assert any("2 different full digests" in p for p in problems), problems


# --- every output block is checked or visibly not checked -----------------------------

@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_output_block_is_checked_or_marked(path):
    problems = output_block_problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("text,expected", [
    ("``` { .bash .no-exec title=\"Não executado nos testes: precisa de uma conta\" }\ndocker login\n```\n\n"
     "```text\nLogin Succeeded\n```\n", "the command above it is .no-exec"),
    ("``` { .bash .no-exec title=\"Não executado nos testes: precisa de uma conta\" }\ndocker login\n```\n\n"
     "``` { .text .no-check }\nLogin Succeeded\n```\n", "needs title="),
    ("Texto.\n\n```text\nsolto\n```\n", "not right after a command block"),
    ("```bash\necho oi\n```\n\n``` { .bash .no-check title=\"Saída não conferida nos testes: motivo longo\" }\n"
     "echo oi\n```\n", ".no-check is for output blocks"),
    ("```bash\necho oi\n```\n\n```text title=\"Saída do comando\"\noi\n```\n", "title can only be"),
])
def test_output_block_rules_fail_on_bad_input(tmp_path, text, expected):
    page = tmp_path / "pagina.md"
    page.write_text(text, encoding="utf-8")
    problems = output_block_problems(page)
    assert any(expected in p for p in problems), problems


def test_marked_output_blocks_pass(tmp_path):
    page = tmp_path / "pagina.md"
    page.write_text("``` { .bash .no-exec title=\"Não executado nos testes: precisa de uma conta\" }\ndocker login\n```\n\n"
                    "``` { .text .no-check title=\"Saída não conferida nos testes: o login não roda nos testes\" }\n"
                    "Login Succeeded\n```\n\n```bash\necho oi\n```\n\n```text\noi\n```\n\n"
                    "```text title=\"notas/leia.txt\"\num arquivo\n```\n", encoding="utf-8")
    assert output_block_problems(page) == []
    found = output_blocks(page)
    assert [o.checked for o in found] == [False, True]
    assert found[0].reason == "o login não roda nos testes"



# --- { .bash .settles }: only reads, and its output is checked ----------------------------

@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_settles_blocks_only_read_and_are_checked(path):
    problems = settles_block_problems(path)
    assert not problems, "\n".join(problems)


SETTLES_OK = "``` { .bash .settles }\ndocker inspect --format '{{.State.OOMKilled}}' x\n```\n\n```text\ntrue\n```\n"


@pytest.mark.parametrize("text,expected", [
    (SETTLES_OK.replace("docker inspect", "docker rm x\ndocker inspect"), "`docker rm x` in a .settles block"),
    (SETTLES_OK.replace("docker inspect --format '{{.State.OOMKilled}}' x",
                        "docker inspect --format '{{.State.OOMKilled}}' x > estado.txt"), "in a .settles block"),
    (SETTLES_OK.replace("' x", "' x | tee estado.txt"), "`tee estado.txt` in a .settles block"),
    (SETTLES_OK.replace("```text", "``` { .text .no-check title=\"Saída não conferida nos testes: motivo longo\" }"),
     "needs a checked ```text output block"),
    (SETTLES_OK.split("\n\n")[0] + "\n", "needs a checked ```text output block"),
    (SETTLES_OK.replace(".settles", ".fails .settles"), "not with .no-exec or .fails"),
])
def test_settles_rules_fail_on_bad_input(tmp_path, text, expected):
    page = tmp_path / "pagina.md"
    page.write_text(text, encoding="utf-8")
    problems = settles_block_problems(page)
    assert any(expected in p for p in problems), problems
    assert settles_block_problems(_write(tmp_path / "boa.md", SETTLES_OK)) == []


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


MARKERS = ("fails", "settles", "no-exec")


def marker_classes(path: Path) -> list[list[str]]:
    """The harness's markers on each command block, in page order."""
    return [sorted(c for c in b.classes if c in MARKERS) for b in blocks(path) if b.lang in SHELL_LANGS]


TRANSLATED = [p for p in SOURCES if p.with_name(p.stem + ".en.md").exists()]


@pytest.mark.parametrize("source", TRANSLATED, ids=lambda p: p.name)
def test_english_edition_marks_its_command_blocks_the_same(source):
    """tests/docs_exec reads the markers on the Portuguese page and compares the English
    output blocks with the same run: both editions must mark the same blocks."""
    english = source.with_name(source.stem + ".en.md")
    assert marker_classes(english) == marker_classes(source), \
        f"{english.name} and {source.name} mark their command blocks differently (.fails, .settles, .no-exec)"


def test_marker_rule_fails_on_bad_input(tmp_path):
    pt = _write(tmp_path / "pagina.md", SETTLES_OK)
    en = _write(tmp_path / "pagina.en.md", SETTLES_OK.replace(" .settles", ""))
    assert marker_classes(pt) != marker_classes(en)


# --- no checked output waits on a fixed delay ------------------------------------------

def fixed_sleep_problems(path: Path) -> list[str]:
    """A top-level `sleep N` in a command block whose output is checked makes the output
    depend on how fast the machine is (a server may need longer to start): wait for the
    condition instead (`curl --retry 5 --retry-all-errors`, or a loop that retries)."""
    problems = []
    for out in output_blocks(path):
        if not out.checked:
            continue
        for line_no, command in shell_commands(out.command):
            if re.match(r"^sleep\s+\d", command):
                problems.append(f"{path.relative_to(ROOT).as_posix()}:{line_no}: `{command}` waits a fixed time before "
                                "a checked output: retry until ready instead")
    return problems


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_no_fixed_sleep_before_a_checked_output(path):
    problems = fixed_sleep_problems(path)
    assert not problems, "\n".join(problems)


def test_fixed_sleep_rule_fails_on_bad_input(tmp_path, monkeypatch):
    monkeypatch.setattr("test_consistency.ROOT", tmp_path)
    page = tmp_path / "pagina.md"
    page.write_text("```bash\nsleep 2\ndocker run --rm busybox echo oi\n```\n\n```text\noi\n```\n\n"
                    "```bash\ndocker run --detach --name x busybox sleep 3600\n```\n\n```text\nabc\n```\n",
                    encoding="utf-8")
    assert [p.split(": ")[0] for p in fixed_sleep_problems(page)] == ["pagina.md:2"]
