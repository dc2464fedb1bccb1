"""Extract fenced code blocks (and their attributes) from the site's Markdown."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*)$")
SHELL_LANGS = {"bash", "sh", "shell", "console", "zsh", "fish", "powershell", "pwsh", "ps1", "bat", "cmd"}


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    classes: list[str]
    attrs: dict[str, str]
    body: str
    info: str = field(repr=False, default="")

    @property
    def runnable(self) -> bool:
        return "no-exec" not in self.classes

    @property
    def where(self) -> str:
        return f"{self.path.as_posix()}:{self.line}"


def _parse_info(info: str) -> tuple[str, list[str], dict[str, str]]:
    info = info.strip()
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', info))
    braces = re.match(r"^\{(.*)\}$", info)
    if braces:
        inner = re.sub(r'[\w-]+="[^"]*"', "", braces.group(1))
        classes = [c[1:] for c in inner.split() if c.startswith(".")]
        lang = classes[0] if classes else ""
        return lang, classes[1:], attrs
    lang = info.split()[0] if info else ""
    rest = re.sub(r'[\w-]+="[^"]*"', "", info[len(lang):])
    classes = [c[1:] for c in rest.split() if c.startswith(".")]
    return lang, classes, attrs


def blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence = match.group("indent"), match.group("fence")
        lang, classes, attrs = _parse_info(match.group("info"))
        body: list[str] = []
        j = i + 1
        closing = re.compile(rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*")
        while j < len(lines) and not closing.fullmatch(lines[j]):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        found.append(Block(path, i + 1, lang.lower(), classes, attrs, "\n".join(body), match.group("info")))
        i = j + 1
    return found


def shell_commands(block: Block) -> list[tuple[int, str]]:
    """Logical command lines of a shell block: continuations joined, comments and heredoc bodies dropped."""
    out: list[tuple[int, str]] = []
    lines = block.body.splitlines()
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        while line.rstrip().endswith(("\\", "`")) and i + 1 < len(lines):
            i += 1
            line = line.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        stripped = line.strip()
        heredoc = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", stripped)
        if heredoc:
            terminator = heredoc.group(1)
            while i < len(lines) and lines[i].strip() != terminator:
                i += 1
            i += 1
        if stripped and not stripped.startswith("#"):
            out.append((block.line + 1 + start, stripped))
    return out


def split_pipeline(command: str) -> list[str]:
    """Split a shell line into simple commands; command substitutions are returned too."""
    parts: list[str] = []
    for inner in re.findall(r"\$\(([^()]*)\)", command):
        parts.extend(split_pipeline(inner))
    flat = re.sub(r"\$\([^()]*\)", "SUBST", command)
    for piece in re.split(r"\s*(?:\|\||&&|\||;)\s*", flat):
        piece = piece.strip()
        if piece.startswith("& "):  # PowerShell call operator
            piece = piece[2:]
        if piece:
            parts.append(piece)
    return parts


def _words(command: str, comments: bool = False) -> list[str]:
    """Shell words of ``command``; a line shlex cannot parse splits at spaces."""
    try:
        return shlex.split(command, comments=comments)
    except ValueError:
        return command.split()


def tokens(command: str) -> list[str]:
    words = _words(command, comments=True)
    # Drop leading environment assignments (VAR=value docker ...) and redirections.
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words.pop(0)
    cleaned = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in (">", ">>", "<", "2>", "2>&1", "&>"):
            skip = word != "2>&1"
            continue
        if re.match(r"^\d?>", word) or word.startswith("<"):
            continue
        cleaned.append(word)
    return cleaned


# --- output blocks -------------------------------------------------------------------
# The ```text block right after a shell block shows that command's output. Either the
# executed examples (tests/docs_exec) compare it with a real run, or the page says, on the
# block itself, that it is not checked and why:
#   ``` { .text .no-check title="Saída não conferida nos testes: REASON" }
# (English pages: "Output not checked in the tests: REASON").

NO_CHECK_CLASS = "no-check"
NO_CHECK_TITLE = re.compile(r"^\s*(?:Saída não conferida nos testes|Output not checked in the tests)\s*:\s*(?P<reason>\S.{9,})$")
OUTPUT_LANGS = {"text", "console", "output"}


def is_file_block(block: Block) -> bool:
    """A block titled with a file name (```dockerfile title="Dockerfile"```): a file the reader creates."""
    title = block.attrs.get("title", "")
    return bool(title) and block.lang not in SHELL_LANGS and re.fullmatch(r"[\w./-]+", title) is not None


@dataclass
class OutputBlock:
    block: Block
    command: Block | None  # the shell block right before it
    reason: str | None  # the "not checked" reason shown on the page, when the block is marked

    @property
    def checked(self) -> bool:
        """Compared with a real run by tests/docs_exec."""
        return self.reason is None and self.command is not None and self.command.runnable


def output_blocks(path: Path) -> list[OutputBlock]:
    found = blocks(path)
    out = []
    for i, block in enumerate(found):
        if block.lang not in OUTPUT_LANGS or is_file_block(block):
            continue
        before = found[i - 1] if i and found[i - 1].lang in SHELL_LANGS else None
        title = NO_CHECK_TITLE.match(block.attrs.get("title", ""))
        reason = title.group("reason").strip() if NO_CHECK_CLASS in block.classes and title else None
        out.append(OutputBlock(block, before, reason))
    return out


def output_block_problems(path: Path) -> list[str]:
    """Output blocks that are neither checked by a real run nor visibly marked as not checked."""
    problems = []
    for out in output_blocks(path):
        b = out.block
        marked = NO_CHECK_CLASS in b.classes
        if marked and out.reason is None:
            problems.append(f"{b.where}: a .no-check output block needs title=\"Saída não conferida nos testes: "
                            "REASON\" (English: \"Output not checked in the tests: REASON\")")
        elif not marked and "title" in b.attrs:
            problems.append(f"{b.where}: an output block's title can only be the not-checked reason "
                            "(a file block's title is a file name)")
        elif out.command is None:
            problems.append(f"{b.where}: a {b.lang} block that is not right after a command block: an output "
                            "must follow the command that prints it (or be a file, with title=\"path\")")
        elif not out.command.runnable and out.reason is None:
            prefix = "Output not checked in the tests" if path.name.endswith(".en.md") else \
                "Saída não conferida nos testes"
            problems.append(f"{b.where}: the command above it is .no-exec, so nothing checks this output: mark it "
                            f"``` {{ .text .no-check title=\"{prefix}: REASON\" }}")
    for b in blocks(path):
        if NO_CHECK_CLASS in b.classes and b.lang not in OUTPUT_LANGS:
            problems.append(f"{b.where}: .no-check is for output blocks (```text); a command that does not run "
                            "is .no-exec")
    return problems


# --- { .bash .settles }: a block that reads state the engine records a moment later ----
# Some state is written by the engine shortly after the command before it returned (moby
# daemon/monitor.go: the `oom` event sets State.OOMKilled apart from the exit). A reader
# types the next command seconds later; tests/docs_exec runs it milliseconds later, so it
# runs a `.settles` block again until its output matches. Only commands that read can be
# repeated without changing what they read.

SETTLES_CLASS = "settles"
READ_ONLY_COMMANDS = [
    ("docker", "ps"), ("docker", "container", "ls"), ("docker", "container", "ps"),
    ("docker", "inspect"), ("docker", "container", "inspect"),
    ("docker", "logs"), ("docker", "container", "logs"),
    ("docker", "image", "ls"), ("docker", "images"),
    ("docker", "compose", "ps"), ("docker", "compose", "logs"),
]


def _writes_a_file(command: str) -> bool:
    words = _words(command)
    return any(re.match(r"^\d?>>?(?!&)", word) or re.match(r"^&>", word) for word in words)


def _is_read_only(command: str) -> bool:
    words = tokens(command)
    return not _writes_a_file(command) and \
        any(tuple(words[:len(prefix)]) == prefix for prefix in READ_ONLY_COMMANDS)


def settles_refusals(path: Path) -> dict[int, list[str]]:
    """`.settles` blocks that run something other than a read-only docker command, or
    whose output is not checked (then nothing could settle): {block's first line: problems}."""
    checked = {o.command.line for o in output_blocks(path) if o.checked and o.command is not None}
    allowed = ", ".join(" ".join(p) for p in READ_ONLY_COMMANDS)
    refusals: dict[int, list[str]] = {}
    for block in blocks(path):
        if SETTLES_CLASS not in block.classes:
            continue
        problems = refusals.setdefault(block.line, [])
        if block.lang not in SHELL_LANGS or not block.runnable or "fails" in block.classes:
            problems.append(f"{block.where}: .settles is for a runnable ```bash block that reads state "
                            "(not with .no-exec or .fails)")
            continue
        for line_no, command in shell_commands(block):
            for part in split_pipeline(command):
                if part != "SUBST" and not _is_read_only(part):
                    problems.append(f"{path.as_posix()}:{line_no}: `{part}` in a .settles block: the block runs "
                                    f"again until its output matches, so it may only read ({allowed})")
        if block.line not in checked:
            problems.append(f"{block.where}: a .settles block needs a checked ```text output block right after it")
    return {line: problems for line, problems in refusals.items() if problems}


def settles_block_problems(path: Path) -> list[str]:
    """Every problem of settles_refusals, in page order."""
    return [problem for _, problems in sorted(settles_refusals(path).items()) for problem in problems]
