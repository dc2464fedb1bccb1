"""What the end-of-run summary prints (filled by conftest.py and the page tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dx_images import Provisioned


@dataclass
class Session:
    """What the summary prints: engine, clients, provisioning, page results."""

    engine_mode: str = ""
    clients: str = ""
    provisioning: Provisioned | None = None
    provisioning_seconds: float = 0.0
    engine_seconds: float = 0.0
    pages: list = field(default_factory=list)
    cleanup: list[str] = field(default_factory=list)
    error: str = ""


SESSION = Session()


def write_report(path) -> None:
    """Every block with its output and how it compared (DOCS_EXEC_REPORT=FILE)."""
    from pathlib import Path

    out = ["# Executed documentation: block by block", ""]
    for page in SESSION.pages:
        out += [f"## {page.summary()}", ""]
        for r in page.results:
            head = f"### {page.path.name}:{r.line} — {r.kind}, {r.status}"
            if r.reason:
                head += f" ({r.reason})"
            out += [head, ""]
            if r.command:
                out += [f"command: `{r.command}`", ""]
            if r.comparison is not None:
                c = r.comparison
                out += [f"output check ({c.kind}): {'ok' if c.ok else 'FAILED'}, "
                        f"{c.matched}/{c.required} expected lines found", ""]
                out += [f"- {p}" for p in c.problems] + ([""] if c.problems else [])
            if r.output_note:
                out += [f"note: {r.output_note}", ""]
            if r.output and r.kind != "file":
                out += ["```text", r.output.rstrip()[:4000], "```", ""]
            if r.stderr:
                out += ["stderr:", "", "```text", r.stderr.rstrip()[:4000], "```", ""]
            if r.seconds:
                out += [f"{r.seconds:.1f} s", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")
