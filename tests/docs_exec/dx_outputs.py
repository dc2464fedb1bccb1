"""Check a command's real output against the output a page shows, by pattern.

The page's text block becomes one regular expression per non-empty line, whitespace
collapsed, where the parts that differ from machine to machine or run to run match any
value of their kind: IDs and digests (hex of 12 or more digits, also cut with "…"),
timestamps, dates and relative times ("2 weeks ago", "Up 2 minutes"), durations, sizes,
percentages, IP addresses (also in PORTS mappings, with or without the IPv6 twin),
version numbers, PIDs, namespace inode numbers, the user name and home of the page's
reader (`voce`), the daemon socket, the host's cgroup version, and, inside tables (a
header line of upper-case column names), every bare number except an exit code.

Every expected line must match one line of the actual output, in order; other lines
may come in between (pages show excerpts). stdout and stderr each keep their order,
but a terminal interleaves the two in no defined order, so a line may come from either.
`docker diff` lines (`A /path`), which come in no defined order, match in any order.
Rows of an image listing (`docker image ls`, `docker images`: REPOSITORY TAG … CREATED
SIZE) are sorted by the engine by creation time in whole seconds (moby
daemon/images/images.go: `Created: img.Created.Unix()`, then an unstable
`sort.Sort(sort.Reverse(byCreated(…)))`), so images created within the same second come
in no defined order: such rows match in any order among themselves, and every other
pair of rows keeps its order. Which rows tie is read from the real output: rows whose
CREATED column reads the same (what one second always gives), narrowed to the real
creation second of each image when the runner can look it up (`created=`). Rows of one
image (several tags) keep the engine's order, which is defined (sorted references).
A newer client's "(downgraded from 1.50)" after the API version is ignored.
Two outputs are compared differently:

- JSON (a page's `inspect` excerpt) is compared by structure: every key the page
  shows must exist with a matching value; lists match as ordered subsequences.
- BuildKit progress: the pages show the TTY view (`=> [2/4] WORKDIR …  0.1s`); without
  a terminal BuildKit prints the plain view (`#5 [2/4] WORKDIR …` / `#5 DONE 0.1s`),
  which is converted to the TTY view first. Steps run concurrently, so these lines
  match in any order; the `[+] Building … FINISHED` header (TTY only) is not required,
  a trailing duration is optional (a cached step has none in the plain view), and a
  `$VARIABLE` in a step name also matches its value (Docker 20.10 shows it expanded).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

UNITS = r"(?:B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB|k|K|M|G)"
AGO_WORD = r"(?:\d+|About an?|an?|Less than a)"
TIME_UNIT = r"(?:second|minute|hour|day|week|month|year)s?"
IP4 = r"\d{1,3}(?:\.\d{1,3}){3}"
PORT_ADDR = rf"(?:{IP4}|\[::\]|::)"
MONTHS = r"(?:[Jj]an|[Ff]e[bv]|[Mm]ar|[Aa]pr|[Aa]br|[Mm]a[yi]|[Jj]un|[Jj]ul|[Aa]u?go?|[Ss]ep|[Ss]et|[Oo]c?ut|[Nn]ov|[Dd]e[cz])"

def _ports(match: re.Match) -> str:
    host, container, proto = match.group(1), match.group(2), match.group(3)
    one = rf"{PORT_ADDR}:{host}->{container}/{proto}"
    return rf"{one}(?:, {one})*"


# (pattern found in the page's text, what it matches in the real output: a regex, a
# function of the match, or None for "the same pattern"); the first that matches wins.
VOLATILE: list[tuple[str, object]] = [
    # PORTS: "ADDR:HOST->CONTAINER/tcp", with or without the IPv6 twin (depends on the host).
    (rf"{PORT_ADDR}:(\d+)->(\d+)/(tcp|udp)(?:, {PORT_ADDR}:\1->\2/\3)*", _ports),
    (r"unix:///var/run/docker\.sock", r"unix://\S+\.sock"),
    (r"/home/voce/\.docker", r"/\S+?"),
    (r"(?<![\w-])voce(?![\w-])", r"\S+"),
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?", None),
    (r"\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]", None),
    (r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}", None),
    (rf"(?<!\w){MONTHS}\.? +\d{{1,2}} +(?:\d{{1,2}}:\d{{2}}|\d{{4}})", r"\S+ +\d{1,2} +(?:\d{1,2}:\d{2}|\d{4})"),
    (rf"Up {AGO_WORD} {TIME_UNIT}", None),
    (r"(?<=cgroup )v[12](?!\w)", r"v[12]"),  # the host's cgroup version
    (rf"(?<!\w){AGO_WORD} {TIME_UNIT} ago", rf"{AGO_WORD} {TIME_UNIT} ago"),
    (r"(?:sha256:)?(?<![0-9A-Za-z])[0-9a-f]{12,64}(?:…|\.\.\.)?(?![0-9A-Za-z])", r"(?:sha256:)?[0-9a-f]{12,64}…?"),
    (r"\[\d+\]", None),
    (r"'@\d{9,}'", r"'@\d+'"),
    (r"(?<![\w.])\d+#\d+(?![\w.])", r"\d+#\d+"),
    (r"(?<=worker process )\d+", r"\d+"),
    (rf"(?<![\w.]){IP4}(?![\w.])", IP4),
    (rf"(?<![\w.])\d+(?:\.\d+)?{UNITS}(?!\w)", rf"\d+(?:\.\d+)?{UNITS}"),
    (r"(?<![\w.])\d+(?:\.\d+)?%", r"\d+(?:\.\d+)?%"),
    (r"(?<![\w.])\d+(?:\.\d+)?s(?!\w)", r"\d+(?:\.\d+)?s"),
    (r"(?<![\w.:])v?\d+(?:\.\d+)+(?:[-+~][\w.+~:-]*)?(?![\w.])", r"v?\d+(?:\.\d+)+(?:[-+~][\w.+~:-]*)?"),
]
# Inside a table every bare number varies (counts, PIDs, sizes), except an exit code.
TABLE_NUMBER = (r"(?<![\w.(#:/-])\d+(?![\w.)#:/-])", r"\d+")
COMPILED = [(re.compile(find), find, replace) for find, replace in VOLATILE]
COMPILED_TABLE = (re.compile(TABLE_NUMBER[0]), *TABLE_NUMBER)
CUT = "…"
# A client newer than the daemon says so after the API version it negotiated.
CLIENT_NEWER = re.compile(r" \(downgraded from [\d.]+\)")
DIFF_LINE = re.compile(r"^[ACD] /\S*$")
# An image listing: its header, and a row (REPOSITORY TAG [DIGEST] IMAGE-ID CREATED… SIZE).
IMAGE_TABLE_HEADER = re.compile(r"^REPOSITORY TAG (?:DIGEST )?IMAGE ID CREATED SIZE$")
IMAGE_ROW = re.compile(r"^\S+ \S+ (?:(?:sha256:\S+|<none>) )?(?:sha256:)?(?P<id>[0-9a-f]{12})\S* "
                       r"(?P<created>.+) (?P<size>\S+)$")


def collapse(line: str) -> str:
    return " ".join(line.split())


def is_table_header(line: str) -> bool:
    words = line.split()
    return len(words) >= 2 and all(re.fullmatch(r"[A-Z][A-Z/%.]*|/|%", w) for w in words) and \
        sum(len(w) > 2 for w in words) >= 2


def line_pattern(line: str, in_table: bool = False) -> str:
    """A regex for one expected line (already collapsed)."""
    rules = COMPILED + ([COMPILED_TABLE] if in_table else [])
    out: list[str] = []
    pos = 0
    while pos < len(line):
        for regex, find, replace in rules:
            match = regex.match(line, pos)
            if match and match.end() > pos:
                out.append(find if replace is None else replace(match) if callable(replace) else replace)
                pos = match.end()
                break
        else:
            match = None
        if match:
            continue
        char = line[pos]
        if char == " ":
            out.append(" ")
        elif line.startswith("...", pos) or char == CUT:
            # The page cut a value: the real one goes on.
            out.append(r"\S*")
            pos += 3 if char == "." else 1
            continue
        else:
            out.append(re.escape(char))
        pos += 1
    return "".join(out)


def line_patterns(expected: str) -> list[tuple[str, re.Pattern]]:
    patterns = []
    in_table = False
    for raw in expected.splitlines():
        line = collapse(raw)
        if not line:
            in_table = False
            continue
        if is_table_header(line):
            in_table = True
            patterns.append((line, re.compile(line_pattern(line))))
            continue
        patterns.append((line, re.compile(line_pattern(line, in_table))))
    return patterns


# --- BuildKit progress -------------------------------------------------------------

PLAIN = re.compile(r"^#(\d+) (.*)$")


def buildkit_tty_view(output: str) -> str:
    """Turn BuildKit's plain progress into the lines the TTY view leaves on screen."""
    names: dict[str, str] = {}
    lines: list[str] = []
    for raw in output.splitlines():
        match = PLAIN.match(raw.strip())
        if not match:
            lines.append(raw)
            continue
        vertex, text = match.groups()
        text = re.sub(r"(docker\.io/\S+?)@sha256:[0-9a-f]{64}", r"\1", text)
        if vertex not in names:
            names[vertex] = text
            continue
        if re.fullmatch(r"sha256:[0-9a-f]{64}", text):
            continue
        done = re.fullmatch(r"DONE (\S+)", text)
        if done:
            lines.append(f"=> {names[vertex]} {done.group(1)}")
        elif text == "CACHED":
            lines.append(f"=> CACHED {names[vertex]}")
        elif text.startswith("ERROR"):
            lines.append(f"=> ERROR {names[vertex]}: {text}")
        elif re.match(r"^\d+\.\d+ ", text):
            lines.append(f"=> => # {text.split(' ', 1)[1]}")  # a RUN step's own output
        else:
            sub = re.fullmatch(r"(.*?)(?: (\d+(?:\.\d+)?s))? done", text)
            if sub:
                lines.append(f"=> => {sub.group(1)}" + (f" {sub.group(2)}" if sub.group(2) else ""))
    return "\n".join(lines)


def is_buildkit_tty(expected: str) -> bool:
    return any(collapse(line).startswith("=> ") for line in expected.splitlines())


# --- JSON ----------------------------------------------------------------------------

def _json_value_matches(expected, actual, where: str, problems: list[str]) -> bool:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{where}: expected an object, got {json.dumps(actual)[:80]}")
            return False
        ok = True
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
                ok = False
            elif not _json_value_matches(value, actual[key], f"{where}.{key}", problems):
                ok = False
        return ok
    if isinstance(expected, list):
        if not isinstance(actual, list):
            problems.append(f"{where}: expected a list, got {json.dumps(actual)[:80]}")
            return False
        i = 0
        for n, item in enumerate(expected):
            while i < len(actual) and not _json_value_matches(item, actual[i], f"{where}[{n}]", []):
                i += 1
            if i == len(actual):
                problems.append(f"{where}[{n}]: {json.dumps(item, ensure_ascii=False)} not found in "
                                f"{json.dumps(actual, ensure_ascii=False)[:200]}")
                return False
            i += 1
        return True
    if isinstance(expected, str):
        if isinstance(actual, str) and re.fullmatch(line_pattern(collapse(expected)), collapse(actual)):
            return True
        problems.append(f"{where}: expected {expected!r}, got {actual!r}")
        return False
    if expected == actual:
        return True
    problems.append(f"{where}: expected {expected!r}, got {actual!r}")
    return False


def _leaves(value) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values()) or 1
    if isinstance(value, list):
        return sum(_leaves(v) for v in value) or 1
    return 1


def _as_json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


# --- entry point ---------------------------------------------------------------------

@dataclass
class Comparison:
    ok: bool
    kind: str  # "lines", "json", "buildkit"
    problems: list[str]
    matched: int = 0
    required: int = 0


def _image_rows_in_order(wanted: list[tuple[str, re.Pattern]], rows: list[str],
                         created: dict[str, int] | None) -> list[int] | None:
    """Indexes of `rows` (an image listing's real rows) matching `wanted` (the page's rows)
    in an order the engine can print, or None. Rows tie when their images were created in
    the same second: by `created` (short ID -> Unix second) when every row's image is
    known there, otherwise by the CREATED text, which one second always renders alike."""
    parsed = [IMAGE_ROW.match(row) for row in rows]
    ids = [m.group("id") if m else row for m, row in zip(parsed, rows)]
    if created and all(i in created for i in ids):
        keys = [created[i] for i in ids]
    else:
        keys = [m.group("created") if m else row for m, row in zip(parsed, rows)]
    rank, ranks = -1, []
    for n, key in enumerate(keys):
        rank += n == 0 or key != keys[n - 1]
        ranks.append(rank)

    chosen: list[int] = []

    def fits(j: int) -> bool:
        # Every row already placed must come before j in some order the engine may print.
        return all(ranks[k] < ranks[j] or (ranks[k] == ranks[j] and (ids[k] != ids[j] or k < j))
                   for k in chosen)

    def place(i: int) -> bool:
        if i == len(wanted):
            return True
        for j, row in enumerate(rows):
            if j not in chosen and wanted[i][1].fullmatch(row) and fits(j):
                chosen.append(j)
                if place(i + 1):
                    return True
                chosen.pop()
        return False

    return list(chosen) if place(0) else None


def _group_image_tables(wanted: list[tuple[str, re.Pattern]]) -> list:
    """The expected lines, with each image listing (header and rows) as one item."""
    items: list = []
    i = 0
    while i < len(wanted):
        line, pat = wanted[i]
        if IMAGE_TABLE_HEADER.match(line):
            rows = []
            while i + 1 < len(wanted) and IMAGE_ROW.match(wanted[i + 1][0]) \
                    and not IMAGE_TABLE_HEADER.match(wanted[i + 1][0]):
                i += 1
                rows.append(wanted[i])
            items.append(("table", (line, pat), rows))
        else:
            items.append(("line", line, pat))
        i += 1
    return items


def compare(expected: str, actual: str, stderr: str = "", created: dict[str, int] | None = None) -> Comparison:
    """`actual` is what the commands wrote to stdout, `stderr` to stderr: a terminal
    interleaves the two in no defined order, so each keeps its own order only.
    `created` maps short image IDs to their creation second (see IMAGE_ROW)."""
    exp_json = _as_json(expected)
    if exp_json is not None and isinstance(exp_json, (list, dict)):
        act_json = _as_json(actual)
        if act_json is None:
            return Comparison(False, "json", ["the page shows JSON, the command printed something else:\n" + actual[:500]])
        problems: list[str] = []
        ok = _json_value_matches(exp_json, act_json, "$", problems)
        leaves = _leaves(exp_json)
        return Comparison(ok, "json", problems, leaves - len(problems), leaves)

    if is_buildkit_tty(expected):
        actual_lines = [collapse(line) for line in buildkit_tty_view(actual + "\n" + stderr).splitlines()
                        if line.strip()]
        # Older BuildKit (Docker 20.10) shows a RUN step with its variables expanded.
        expanded = re.sub(r"\$\{?\w+\}?", "\x00", expected)
        wanted = [(line.replace("\x00", "$VAR"), re.compile(pat.pattern.replace("\x00", r"\S+")))
                  for line, pat in line_patterns(expanded) if not line.startswith("[+] Building")]
        problems = []
        for line, pat in wanted:
            optional_tail = re.compile(re.sub(r" \\d\+\(\?:\\\.\\d\+\)\?s$", r"(?: \\d+(?:\\.\\d+)?s)?", pat.pattern))
            if not any(optional_tail.fullmatch(a) for a in actual_lines):
                problems.append(f"no line like: {line}")
        return Comparison(not problems, "buildkit", problems, len(wanted) - len(problems), len(wanted))

    streams = [[collapse(CLIENT_NEWER.sub("", line)) for line in text.splitlines() if line.strip()]
               for text in (actual, stderr)]
    wanted = line_patterns(expected)
    problems = []
    # `docker diff` prints its changes in no defined order (the engine's walk order).
    changes = [(line, pat) for line, pat in wanted if DIFF_LINE.match(line)]
    if changes:
        actual_changes = {a for lines in streams for a in lines if DIFF_LINE.match(a)}
        for line, pat in changes:
            if not any(pat.fullmatch(a) for a in actual_changes):
                problems.append(f"no line like: {line}")
        wanted = [w for w in wanted if w not in changes]
        streams = [[a for a in lines if a not in actual_changes] for lines in streams]
    positions = [0, 0]
    matched = len(changes) - len(problems)
    for item in _group_image_tables(wanted):
        if item[0] == "table":
            (header, header_pat), rows = item[1], item[2]
            done = False
            for n, lines in enumerate(streams):
                for h in range(positions[n], len(lines)):
                    if not header_pat.fullmatch(lines[h]):
                        continue
                    end = h + 1
                    while end < len(lines) and IMAGE_ROW.match(lines[end]) and not IMAGE_TABLE_HEADER.match(lines[end]):
                        end += 1
                    found = _image_rows_in_order(rows, lines[h + 1:end], created)
                    if found is not None:
                        positions[n] = h + 1 + (max(found) + 1 if found else 0)
                        matched += 1 + len(rows)
                        done = True
                        break
                if done:
                    break
            if not done:
                everywhere = [a for lines in streams for a in lines]
                if not any(header_pat.fullmatch(a) for a in everywhere):
                    problems.append(f"no line like: {header}")
                missing = [line for line, pat in rows if not any(pat.fullmatch(a) for a in everywhere)]
                problems += [f"no line like: {line}" for line in missing]
                if not missing and any(header_pat.fullmatch(a) for a in everywhere):
                    problems.append(f"image listing under '{header}': the rows appear, but in an order the "
                                    "engine does not print (only images created in the same second may swap)")
            continue
        _, line, pat = item
        for n, lines in enumerate(streams):
            j = positions[n]
            while j < len(lines) and not pat.fullmatch(lines[j]):
                j += 1
            if j < len(lines):
                positions[n] = j + 1
                matched += 1
                break
        else:
            earlier = any(pat.fullmatch(a) for n, lines in enumerate(streams) for a in lines[:positions[n]])
            problems.append(f"no line like: {line}" + (" (it appears, but out of order)" if earlier else ""))
    return Comparison(not problems, "lines", problems, matched, len(wanted) + len(changes))
