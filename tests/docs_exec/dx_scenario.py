"""Run one page's shell blocks, in page order, as one scenario.

Conventions of the pages (CONTRIBUTING.md):
- runnable commands are ```bash blocks;
- the ```text block right after one shows its output;
- a block titled with a file name (```dockerfile title="Dockerfile"```) is a file the
  reader creates: it is written, relative to the current directory, before the blocks
  after it run;
- a ``{ .bash .no-exec title="Não executado nos testes: REASON" }`` block is not run
  (its bash is still syntax-checked with ``bash -n``) and REASON is reported;
- a ``{ .bash .fails }`` block shows an error as the reader meets it: its last command
  must exit non-zero (the block fails if it succeeds, or if an earlier command fails),
  and its stdout and stderr are compared with the text block after it; ``cd`` and
  ``export`` in such a block do not carry over;
- a ``{ .bash .settles }`` block reads state the engine records a moment after the
  command before it returned (an ``oom`` event sets State.OOMKilled apart from the
  exit): when its output differs from the page, it runs again, after a short pause,
  until it matches or ``settle_bound`` seconds passed; the report says how many runs it
  took. It may only contain read-only docker commands and must be followed by a checked
  output block (markdown_blocks.settles_refusals);
- an output block marked ``{ .text .no-check title="Saída não conferida nos testes: REASON" }``
  is not compared, and REASON is reported (markdown_blocks.output_block_problems: every
  other output block must follow a command that runs).

Each block runs in its own ``bash`` with ``set -e -o pipefail`` in a fresh working
directory per page; the current directory and exported variables carry over from block
to block. A failing command stops the scenario and is named with its page line. An
output that does not match the page's is reported and the scenario goes on.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import dx_standins
from dx_outputs import IMAGE_ROW, IMAGE_TABLE_HEADER, Comparison, collapse, compare
from markdown_blocks import (SETTLES_CLASS, SHELL_LANGS, Block, blocks, is_file_block, output_blocks,
                             settles_refusals, shell_commands, tokens)

NO_EXEC_PREFIX = re.compile(r"^\s*(?:Não executado nos testes|Not run in the tests)\s*:\s*", re.IGNORECASE)
PULL = re.compile(r"^(\s*)docker\s+(?:image\s+)?pull\s+(\S+)\s*$")
RUNNABLE_LANGS = {"bash", "sh", "shell"}
BLOCK_TIMEOUT = 300
FAIL_MARK = "__DKB_FAIL__"
FAILS_CLASS = "fails"  # { .bash .fails }: a block whose last command is expected to fail
SETTLE_BOUND = 10.0  # seconds a .settles block may run again until its output matches
SETTLE_PAUSE = 0.2  # seconds between two runs of a .settles block
# The one thing the test engine never records, however long a .settles block waits.
OOM_AFTER_EXIT = (
    "Docker 20.10 (the test engine) records State.OOMKilled only with the exit: when containerd "
    "delivers the OOM event after the exit (https://github.com/containerd/containerd/pull/12714), "
    "20.10 logs the `oom` event and leaves the flag false for good (measured on 20.10.24: 2 of 40 "
    "OOM runs under CPU load, `die` before `oom`, false after 10 s). Newer engines set the flag on "
    "the `oom` event itself (https://github.com/moby/moby/blob/v28.2.2/daemon/monitor.go, "
    "ProcessEvent), which is what the pages show.")
OOM_FIELD = "{{.State.OOMKilled}}"

RUNNER = r"""set -e -o pipefail
trap 'rc=$?; printf "\n%s %s %s\n" "__DKB_FAIL__" "$LINENO" "$BASH_COMMAND"; exit $rc' ERR
cd "$(cat "$DKB_STATE/cwd")"
if [ -f "$DKB_STATE/env" ]; then source "$DKB_STATE/env"; fi
source "$1"
trap - ERR
pwd > "$DKB_STATE/cwd"
export -p | grep -v -E '^declare -x (DOCKER_HOST|DKB_STATE|PWD|OLDPWD|SHLVL|_)=' > "$DKB_STATE/env" || true
"""


@dataclass
class Step:
    block: Block
    kind: str  # "run", "file", "skip", "unrunnable"
    expected: Block | None = None
    reason: str = ""
    unchecked: str = ""  # the page's reason for not checking the output block (.no-check)
    fails: bool = False  # { .bash .fails }: the block's last command must exit non-zero
    settles: bool = False  # { .bash .settles }: run again until the output matches (read-only commands)


@dataclass
class BlockResult:
    line: int
    kind: str
    status: str  # "passed", "failed", "skipped", "not run", "written"
    reason: str = ""
    command: str = ""
    output: str = ""
    stderr: str = ""
    comparison: Comparison | None = None
    output_note: str = ""
    seconds: float = 0.0
    runs: int = 1  # how many times the block ran (more than 1 only for a .settles block)


@dataclass
class PageResult:
    page: str
    path: Path
    results: list[BlockResult] = field(default_factory=list)
    seconds: float = 0.0
    leftovers: list[str] = field(default_factory=list)  # what the harness removed after the page
    not_cleaned: list[str] = field(default_factory=list)  # created by the page and left behind
    waited: float = 0.0  # seconds spent waiting for another docs_exec run's page (dx_engine.host_lock)

    def count(self, status: str, kind: str | None = None) -> int:
        return sum(1 for r in self.results if r.status == status and (kind is None or r.kind == kind))

    @property
    def failures(self) -> list[BlockResult]:
        return [r for r in self.results if r.status == "failed"]

    def summary(self) -> str:
        run = [r for r in self.results if r.kind == "run" and r.status in ("passed", "failed")]
        passed = sum(1 for r in run if r.status == "passed")
        skipped = [r for r in self.results if r.status == "skipped"]
        reasons: dict[str, int] = {}
        for r in skipped:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
        text = f"{self.page}: {len(run)} blocks run, {passed} passed, {len(skipped)} skipped"
        if reasons:
            text += " (" + "; ".join(f"{reason}" + (f" ×{n}" if n > 1 else "") for reason, n in reasons.items()) + ")"
        failed = len(self.failures)
        not_run = self.count("not run")
        if failed:
            text += f", {failed} FAILED"
        if not_run:
            text += f", {not_run} not run after the failure"
        checked = [r for r in run if r.comparison is not None]
        unchecked = [r for r in self.results if r.output_note.startswith("output not checked")]
        adapted = [r for r in checked if "adapted for the local stand-in" in r.output_note]
        text += f"; outputs checked: {len(checked)}"
        if adapted:
            text += f" ({len(adapted)} adapted for the local stand-ins)"
        if unchecked:
            text += f", not checked (as the page says): {len(unchecked)}"
        text += f"; {self.seconds:.1f} s"
        if self.waited >= 1:
            text += f" (after waiting {self.waited:.0f} s for another docs_exec run)"
        return text


def page_id(path: Path) -> str:
    return path.stem


def plan(path: Path) -> list[Step]:
    found = blocks(path)
    outputs = {o.block.line: o for o in output_blocks(path)}
    steps: list[Step] = []
    for i, block in enumerate(found):
        following = outputs.get(found[i + 1].line) if i + 1 < len(found) else None
        if block.lang in SHELL_LANGS:
            if not block.runnable:
                title = block.attrs.get("title", "")
                steps.append(Step(block, "skip", reason=NO_EXEC_PREFIX.sub("", title) or "no-exec without a reason"))
                continue
            if block.lang not in RUNNABLE_LANGS:
                steps.append(Step(block, "unrunnable", reason=f"a runnable ```{block.lang} block: only bash runs here; "
                                                                "mark it .no-exec with a reason"))
                continue
            step = Step(block, "run", fails=FAILS_CLASS in block.classes, settles=SETTLES_CLASS in block.classes)
            if following is not None:
                if following.reason is not None:
                    step.unchecked = following.reason
                else:
                    step.expected = following.block
            steps.append(step)
        elif is_file_block(block):
            steps.append(Step(block, "file"))
    return steps


def syntax_check(block: Block) -> str | None:
    """`bash -n` of a bash block; the error, or None. Other languages are not checked."""
    if block.lang not in ("bash", "sh", "shell"):
        return None
    result = subprocess.run(["bash", "-n"], input=block.body + "\n", capture_output=True, text=True)
    if result.returncode == 0:
        return None
    return result.stderr.strip() or f"bash -n exited with {result.returncode}"


def _oom_inspected(commands: list[str]) -> list[str]:
    """The containers whose {{.State.OOMKilled}} the commands read."""
    return [name for command in commands if OOM_FIELD in command for name in _inspected(command)]


def _inspected(command: str) -> list[str]:
    """The containers a `docker [container] inspect` command names."""
    words = tokens(command)
    if words[:2] == ["docker", "inspect"]:
        words = words[2:]
    elif words[:3] == ["docker", "container", "inspect"]:
        words = words[3:]
    else:
        return []
    names, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("--format", "-f", "--type"):
            skip = True
        elif not word.startswith("-"):
            names.append(word)
    return names


def _command_at(block: Block, body_line: int) -> str:
    """The logical command of `block` that covers line `body_line` (1-based in the body)."""
    page_line = block.line + body_line
    best = ""
    for line_no, command in shell_commands(block):
        if line_no <= page_line:
            best = command
    return best


@dataclass
class Runner:
    """Runs the steps of one page; `env` is the docker client environment."""

    env: dict[str, str]
    images_local: bool
    pulled_fresh: callable = None  # called with the image names before a real pull block
    # short image IDs -> their creation second (dx_outputs: rows of image listings)
    image_created: callable = None
    differences: list | None = None  # dx_standins.DIFFERENCES unless a test gives others
    settle_bound: float = SETTLE_BOUND  # a .settles block runs again until this many seconds passed
    settle_pause: float = SETTLE_PAUSE
    # oom_lost(container, since): the engine logged `oom` after the container's exit but
    # says OOMKilled=false (OOM_AFTER_EXIT); None: never bridged
    oom_lost: callable = None
    # oom_events(container, since): the `die` and `oom` events the engine logged, in order;
    # named in the failure of an OOMKilled block that never settled (None: not named)
    oom_events: callable = None

    def run(self, path: Path, work: Path, state: Path, stop_after_failure: bool = True) -> PageResult:
        result = PageResult(page_id(path), path)
        # The English edition runs the same commands (test_english_pages_run_the_same_commands):
        # its output blocks are compared with the same real run.
        english_path = path.with_name(path.stem + ".en.md")
        english = [s for s in plan(english_path) if s.kind == "run"] if english_path.exists() else []
        runs = [s for s in plan(path) if s.kind == "run"]
        self._english = dict(zip((s.block.line for s in runs), english)) if len(english) == len(runs) else {}
        self._english_path = english_path
        work.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
        (state / "cwd").write_text(str(work))
        (state / "runner.sh").write_text(RUNNER)
        started = time.perf_counter()
        self._page_started = time.time()
        failed = False
        # A .settles block that could change what it reads, or has no checked output, is not run.
        refused = settles_refusals(path)
        for n, step in enumerate(plan(path)):
            block = step.block
            if block.line in refused:
                result.results.append(BlockResult(block.line, "run", "failed", "; ".join(refused[block.line])))
                continue
            if step.kind == "skip":
                error = syntax_check(block)
                status = "failed" if error else "skipped"
                note = "bash -n: syntax OK" if block.lang in ("bash", "sh", "shell") else f"{block.lang}: not checked"
                reason = f"bash -n failed (the block is not run: {step.reason})" if error else step.reason
                result.results.append(BlockResult(block.line, "skip", status, reason,
                                                  output=error or note,
                                                  command=block.body.strip().splitlines()[0] if error else ""))
                continue
            if step.kind == "unrunnable":
                result.results.append(BlockResult(block.line, "run", "failed", step.reason))
                continue
            if failed and stop_after_failure:
                result.results.append(BlockResult(block.line, step.kind, "not run"))
                continue
            if step.kind == "file":
                cwd = Path((state / "cwd").read_text().strip())
                target = cwd / block.attrs["title"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.body + "\n", encoding="utf-8")
                result.results.append(BlockResult(block.line, "file", "written", reason=block.attrs["title"]))
                continue
            outcome = self._run_block(block, step, state, n)
            result.results.append(outcome)
            if outcome.status == "failed" and outcome.command:
                failed = True
        result.seconds = time.perf_counter() - started
        return result

    def _created(self, expected: str, output: str) -> dict[str, int] | None:
        """Creation seconds of the images an image listing shows (only when the page shows one)."""
        if self.image_created is None or not any(IMAGE_TABLE_HEADER.match(collapse(line))
                                                 for line in expected.splitlines()):
            return None
        ids = sorted({m.group("id") for m in (IMAGE_ROW.match(collapse(line)) for line in output.splitlines()) if m})
        return self.image_created(ids) if ids else None

    def _run_block(self, block: Block, step: Step, state: Path, n: int) -> BlockResult:
        body = block.body
        pulls = []
        lines = body.splitlines()
        for i, line in enumerate(lines):
            match = PULL.match(line)
            if match:
                pulls.append(match.group(2))
                if self.images_local:
                    # No registry: the image was built locally; check the name resolves to it.
                    lines[i] = f"{match.group(1)}docker image inspect --format '{{{{.Id}}}}' {shlex.quote(match.group(2))} >/dev/null"
        commands = [c for _, c in shell_commands(block)]
        only_pulls = pulls and len(pulls) == len(commands)
        if pulls and not self.images_local and self.pulled_fresh:
            self.pulled_fresh(pulls)
        script = state / f"block-{n:03d}-line{block.line}.sh"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        first = time.perf_counter()
        runs = 1
        outcome = self._run_script(block, step, state, script, commands, only_pulls)
        # { .bash .settles }: the state it reads is recorded a moment later; read it again.
        while step.settles and outcome.status == "failed" and not outcome.command \
                and time.perf_counter() - first + self.settle_pause < self.settle_bound:
            time.sleep(self.settle_pause)
            runs += 1
            outcome = self._run_script(block, step, state, script, commands, only_pulls)
        if step.settles and outcome.status == "failed" and not outcome.command:
            bridged = self._oom_bridge(block, step, state, script, commands, only_pulls)
            if bridged is not None:
                runs += 1
                outcome = bridged
        if step.settles:
            outcome.runs = runs
            elapsed = time.perf_counter() - first
            if outcome.status == "failed" and not outcome.command:
                outcome.reason += f" (a .settles block: still different after {runs} runs in {elapsed:.1f} s)"
                outcome.reason += self._oom_events_note(commands)
            elif outcome.status == "passed":
                note = f"settled after {runs} run" + ("s" if runs > 1 else "") + f" ({elapsed:.1f} s)"
                outcome.output_note = "; ".join(filter(None, [outcome.output_note, note]))
        return outcome

    def _oom_bridge(self, block: Block, step: Step, state: Path, script: Path, commands: list[str],
                    only_pulls: bool) -> BlockResult | None:
        """The block's output never settled and it reads {{.State.OOMKilled}}: if the engine
        logged the OOM after the exit and lost the flag (OOM_AFTER_EXIT), read the rest of
        the block again with the flag the event log proves (`{{true}}`), and say so."""
        if self.oom_lost is None or OOM_FIELD not in script.read_text(encoding="utf-8"):
            return None
        names = _oom_inspected(commands)
        if not names or not all(self.oom_lost(name, getattr(self, "_page_started", 0.0)) for name in names):
            return None
        bridged = script.with_name(script.stem + "-oom.sh")
        bridged.write_text(script.read_text(encoding="utf-8").replace(OOM_FIELD, "{{true}}"), encoding="utf-8")
        outcome = self._run_script(block, step, state, bridged, commands, only_pulls)
        outcome.output_note = "; ".join(filter(None, [
            outcome.output_note, f"OOMKilled adapted for the test engine ({', '.join(names)}: `oom` logged after "
            "the exit, State.OOMKilled left false; dx_scenario.OOM_AFTER_EXIT)"]))
        return outcome

    def _oom_events_note(self, commands: list[str]) -> str:
        """For an OOMKilled block that never settled: what the engine's event log says of each
        container it reads (no `oom` at all: the OOM was never reported, containerd#12405)."""
        if self.oom_events is None:
            return ""
        since = getattr(self, "_page_started", 0.0)
        seen = [f"{name}: {', '.join(self.oom_events(name, since)) or 'none'}" for name in _oom_inspected(commands)]
        return f"; engine events (die/oom) since the page started: {'; '.join(seen)}" if seen else ""

    def _run_script(self, block: Block, step: Step, state: Path, script: Path, commands: list[str],
                    only_pulls: bool) -> BlockResult:
        start = time.perf_counter()
        try:
            proc = subprocess.run(["bash", "--noprofile", "--norc", str(state / "runner.sh"), str(script)],
                                  env={**self.env, "DKB_STATE": str(state)}, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=BLOCK_TIMEOUT)
            output, code = proc.stdout.decode(errors="replace"), proc.returncode
            stderr = proc.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace")
            return BlockResult(block.line, "run", "failed", f"timed out after {BLOCK_TIMEOUT} s",
                               command=commands[-1] if commands else "", output=output,
                               stderr=(exc.stderr or b"").decode(errors="replace"),
                               seconds=time.perf_counter() - start)
        seconds = time.perf_counter() - start
        if code != 0:
            mark = re.search(rf"\n?{FAIL_MARK} (\d+) (.*)\n?$", output)
            command = _command_at(block, int(mark.group(1))) if mark else ""
            if mark:
                output = output[:mark.start()]
            line = block.line + int(mark.group(1)) if mark else block.line
            # { .bash .fails }: the last command's failure is the error the page shows.
            if not (step.fails and mark and command == commands[-1]):
                reason = f"exit status {code} at line {line}"
                if step.fails:
                    reason += ", before the last command of a .fails block (only the last command may fail)"
                return BlockResult(block.line, "run", "failed", reason,
                                   command=command or (mark.group(2) if mark else "(the block's shell)"),
                                   output=output, stderr=stderr, seconds=seconds)
        elif step.fails:
            return BlockResult(block.line, "run", "failed", "a .fails block exited with status 0: its last command "
                               "was expected to fail", command=commands[-1] if commands else "",
                               output=output, stderr=stderr, seconds=seconds)
        status, reason = ("skipped", "pull: no registry, image built locally") if only_pulls and self.images_local \
            else ("passed", "")
        outcome = BlockResult(block.line, "run", status, reason, output=output, stderr=stderr, seconds=seconds)
        if step.unchecked:
            outcome.output_note = f"output not checked, as the page says: {step.unchecked}"
        commands_text = "\n".join(commands)
        checks = [(step.expected, block.path.name)] if step.expected is not None else []
        en_step = getattr(self, "_english", {}).get(block.line)
        if en_step is not None and en_step.expected is not None:
            checks.append((en_step.expected, self._english_path.name))
        notes, problems = [], []
        for expected_block, where in checks:
            applied = dx_standins.apply(commands_text, expected_block.body, self.images_local, self.differences)
            notes += [n for n in applied.notes if n not in notes]
            comparison = compare(applied.expected, output, stderr, created=self._created(applied.expected, output))
            comparison.problems = applied.problems + comparison.problems
            comparison.ok = comparison.ok and not applied.problems
            if outcome.comparison is None or not comparison.ok:
                outcome.comparison = comparison
            if not comparison.ok:
                problems.append(f"output differs from the text block at {where}:{expected_block.line}")
        if notes:
            outcome.output_note = "; ".join(filter(None, [outcome.output_note, *notes]))
        if problems:
            outcome.status = "failed"
            outcome.reason = "; ".join(problems)
        return outcome
