"""Content rules the contributors' guide promises: metadata, code blocks, docker command lines."""

from __future__ import annotations

import re

import pytest

from docker_cli import check as check_docker, docker_binary
from docker_machine import check as check_docker_machine
from helpers import DOCS, ROOT, front_matter, require, source_pages
from markdown_blocks import SHELL_LANGS, blocks, shell_commands, split_pipeline, tokens

PAGES = source_pages()
ALL_MARKDOWN = sorted(DOCS.rglob("*.md"))


def rel(path):
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", ALL_MARKDOWN, ids=rel)
def test_front_matter_has_title_and_description(path):
    meta = front_matter(path)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{rel(path)}: no title"
    description = meta.get("description")
    assert isinstance(description, str) and 50 <= len(description) <= 170, (
        f"{rel(path)}: description must be 50–170 characters, got {description!r}"
    )


@pytest.mark.parametrize("path", ALL_MARKDOWN, ids=rel)
def test_every_fenced_block_declares_a_language(path):
    missing = [b.where for b in blocks(path) if not b.lang]
    assert missing == [], f"code blocks without a language: {missing}"


@pytest.mark.parametrize("path", ALL_MARKDOWN, ids=rel)
def test_shell_blocks_have_no_prompt_or_output(path):
    problems = []
    for block in blocks(path):
        if block.lang not in ("bash", "sh", "shell"):
            continue
        for line_no, line in shell_commands(block):
            if re.match(r"^(\$|#\s*\$|>)\s", line) or line.startswith("$ "):
                problems.append(f"{rel(path)}:{line_no}: prompt in a command block: {line}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", ALL_MARKDOWN, ids=rel)
def test_no_exec_blocks_say_why(path):
    for block in blocks(path):
        if "no-exec" in block.classes:
            title = block.attrs.get("title", "")
            assert len(title) >= 15, f"{block.where}: a .no-exec block needs a title giving the reason"


def docker_lines():
    for path in ALL_MARKDOWN:
        for block in blocks(path):
            if block.lang not in SHELL_LANGS:
                continue
            for line_no, line in shell_commands(block):
                for simple in split_pipeline(line):
                    words = tokens(simple)
                    if words and words[0] in ("docker", "docker-machine"):
                        yield f"{rel(path)}:{line_no}", words


DOCKER_LINES = list(docker_lines())


def test_pages_contain_docker_commands():
    """Guard against the extractor silently finding nothing."""
    assert sum(1 for _, w in DOCKER_LINES if w[0] == "docker") >= 50
    assert sum(1 for _, w in DOCKER_LINES if w[0] == "docker-machine") >= 5


@pytest.mark.parametrize(("where", "words"), DOCKER_LINES, ids=[w for w, _ in DOCKER_LINES])
def test_command_line_is_valid(where, words):
    if words[0] == "docker":
        require(docker_binary() is not None, "the docker CLI (apt-get install docker.io)")
        problems = check_docker(words)
    else:
        problems = check_docker_machine(words)
    assert problems == [], f"{where}: {' '.join(words)}\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", PAGES, ids=rel)
def test_page_cites_its_sources(path):
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^## Fontes\s*$(.*)", text, re.MULTILINE | re.DOTALL)
    assert match, f"{rel(path)}: no '## Fontes' section"
    links = re.findall(r"\]\((https://[^)]+)\)", match.group(1))
    assert links, f"{rel(path)}: '## Fontes' lists no links"
    hosts = {re.match(r"https://([^/]+)", link).group(1) for link in links}
    assert hosts & {"docs.docker.com", "man7.org", "github.com"}, f"{rel(path)}: sources {hosts}"


BASICS = ["conceitos.md", "docker-basics.md", "container-basics.md", "docker-machine-basics.md"]


@pytest.mark.parametrize("name", BASICS)
def test_basics_pages_end_with_practice_and_self_check(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[-2:] == ["Pratique", "Fontes"], f"{name}: last sections are {headings[-2:]}"
    practice = text.split("## Pratique", 1)[1]
    assert len(re.findall(r"^\?\?\?\+? question", practice, re.MULTILINE)) >= 3, f"{name}: self-check needs collapsible answers"


def test_no_placeholder_text():
    # Upper-case markers are matched case-sensitively: "todo" is a Portuguese word.
    for path in ALL_MARKDOWN:
        text = path.read_text(encoding="utf-8")
        for marker in ("TODO", "TBD", "FIXME", "XXX"):
            assert not re.search(rf"\b{marker}\b", text), f"{rel(path)}: contains {marker!r}"
        for phrase in ("lorem ipsum", "em construção", "under construction"):
            assert phrase not in text.lower(), f"{rel(path)}: contains {phrase!r}"
