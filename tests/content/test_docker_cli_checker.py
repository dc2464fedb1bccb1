"""The command checker itself must catch the mistakes it exists for."""

from __future__ import annotations

import pytest

from docker_cli import check, docker_binary
from docker_machine import check as check_machine
from helpers import require


@pytest.fixture(autouse=True)
def _docker():
    require(docker_binary() is not None, "the docker CLI (apt-get install docker.io)")


@pytest.mark.parametrize(
    "line",
    [
        "docker run -d --name web -p 127.0.0.1:8080:80 nginx",
        "docker run --rm busybox ls -la /",
        "docker exec ctr sh -c 'echo oi'",
        "docker container ls --all --quiet",
        "docker image ls --filter dangling=true",
        "docker --context remoto ps",
        "docker build --tag exemplo:1.0 .",
    ],
)
def test_valid_lines_pass(line):
    assert check(line.split()) == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("docker run nginx -p 8080:80", "comes after"),
        ("docker exec ctr -it sh", "comes after"),
        ("docker ps --al", "no option --al"),
        ("docker imagez", "unknown docker command"),
        ("docker image", "needs a subcommand"),
        ("docker run -Z busybox", "no option -Z"),
        ("docker --bogus ps", "unknown global option"),
    ],
)
def test_mistakes_are_reported(line, problem):
    problems = check(line.split())
    assert any(problem in p for p in problems), problems


def test_docker_machine_data():
    assert check_machine("docker-machine create --driver virtualbox dev".split()) == []
    assert check_machine("docker-machine env --shell fish dev".split()) == []
    assert check_machine("docker-machine ssh dev ls -la".split()) == []
    assert check_machine("docker-machine launch dev".split())
    assert check_machine("docker-machine ls --all".split())
