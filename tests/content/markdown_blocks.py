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


def tokens(command: str) -> list[str]:
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        words = command.split()
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
