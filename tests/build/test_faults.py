"""Fault injection: each contributor mistake must fail the strict build, naming the file."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import ROOT, mkdocs_build

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "hooks", "includes")


@pytest.fixture
def project(tmp_path):
    """A throwaway copy of everything the build reads."""
    copy = tmp_path / "project"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part)
        else:
            shutil.copy2(source, copy / part)
    return copy


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace_front_matter_line(path, key, new_line):
    text = path.read_text(encoding="utf-8")
    new_text, count = re.subn(rf"^{key}:.*$", new_line, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{path.name} has no '{key}:' line to break"
    path.write_text(new_text, encoding="utf-8")


def inject_broken_link(project):
    append(project / "docs" / "docker-basics.md", "\nVeja [esta página](pagina-que-nao-existe.md).\n")
    return "docker-basics.md", "pagina-que-nao-existe.md"


def inject_broken_anchor(project):
    append(project / "docs" / "docker-basics.md", "\nVeja [a seção](index.md#secao-que-nao-existe).\n")
    return "docker-basics.md", "secao-que-nao-existe"


def inject_page_missing_from_nav(project):
    import sys

    sys.path.insert(0, str(project / "hooks"))
    from i18n import source_hash

    original = project / "docs" / "pagina-orfa.md"
    original.write_text(
        "---\ntitle: Órfã\ndescription: Uma página que ninguém colocou no nav do mkdocs.yml.\n---\n\n# Órfã\n\nTexto.\n",
        encoding="utf-8",
    )
    # With its translation, so that only the nav is wrong.
    (project / "docs" / "pagina-orfa.en.md").write_text(
        f"---\nsource_hash: {source_hash(original)}\ntitle: Orphan\n"
        "description: A page nobody added to the nav in mkdocs.yml, to test the build.\n---\n\n# Orphan\n\nText.\n",
        encoding="utf-8",
    )
    return "pagina-orfa.md", "nav"


def inject_malformed_front_matter(project):
    replace_front_matter_line(project / "docs" / "docker-basics.md", "title", "title: [Imagens sem fechar colchete")
    return "docs/docker-basics.md", "front matter"


def inject_missing_description(project):
    replace_front_matter_line(project / "docs" / "index.md", "description", "descricao: chave com nome errado")
    return "docs/index.md", "description"


def inject_misspelled_extension_option(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "alternate_style: true" in text
    config.write_text(text.replace("alternate_style: true", "alternate_styel: true"), encoding="utf-8")
    return "mkdocs.yml", "alternate_styel"


FAULTS = [
    inject_broken_link,
    inject_broken_anchor,
    inject_page_missing_from_nav,
    inject_malformed_front_matter,
    inject_missing_description,
    inject_misspelled_extension_option,
]


def test_unmodified_copy_builds(project, tmp_path):
    """Control: the copy itself builds, so the failures below come from the faults."""
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("inject", FAULTS, ids=lambda f: f.__name__.removeprefix("inject_"))
def test_fault_fails_build_naming_the_file(project, tmp_path, inject):
    filename, detail = inject(project)
    result = mkdocs_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"build passed despite {inject.__name__}:\n{output}"
    assert filename in output, f"error does not name {filename}:\n{output}"
    assert detail in output, f"error does not mention {detail!r}:\n{output}"
