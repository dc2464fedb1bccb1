"""How `make test` runs the suite in parallel (tests/conftest.py, Makefile)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("root_conftest_copy", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Config:
    def __init__(self, dist):
        self.dist = dist

    def getvalue(self, name):
        return self.dist if name == "dist" else None


def test_make_test_runs_in_parallel_with_the_groups():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pytest -n \$\(JOBS\) --dist loadgroup \$\(SUITES\)", recipe)


def test_docker_lighthouse_and_vnu_tests_each_stay_in_one_worker():
    conftest = _conftest()
    scheduling = conftest.group_scheduling()
    assert scheduling.__mro__[1].__name__ == "LoadScopeScheduling"

    def scope(nodeid):
        return scheduling._split_scope(None, nodeid)

    docs = ["tests/docs_exec/test_docs_exec.py::test_page_examples_run[conceitos]",
            "tests/docs_exec/test_docs_exec.py::test_scenario_reports_page_line_and_command"]
    assert {scope(n) for n in docs} == {"docker"}
    assert scope("tests/quality/test_lighthouse.py::test_page_weight[pt-home]") == "lighthouse"
    assert scope("tests/quality/test_html.py::test_page_is_valid_html[index.html]") == "vnu"
    # Everything else is a unit of its own: spread over every worker.
    others = ["tests/quality/test_axe.py::test_no_axe_violations[index.html-light-desktop]",
              "tests/quality/test_axe.py::test_no_axe_violations[index.html-dark-desktop]"]
    assert [scope(n) for n in others] == others
    assert conftest.pytest_xdist_make_scheduler(_Config("load"), log=None) is None
