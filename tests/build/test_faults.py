"""Fault injection: each contributor mistake must fail the strict build, naming the file."""

from __future__ import annotations

import re

import pytest

from helpers import copy_project, mkdocs_build

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "hooks", "includes")


@pytest.fixture
def project(tmp_path):
    """A throwaway copy of everything the build reads."""
    return copy_project(tmp_path / "project", PROJECT_PARTS)


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


# --- content a pull request must not add (hooks/content_rules.py) ----------------

def append_at(path, text):
    """Append ``text`` after a blank line; return the line its first line lands on."""
    before = path.read_text(encoding="utf-8")
    if not before.endswith("\n"):
        before += "\n"
    path.write_text(before + "\n" + text, encoding="utf-8")
    return before.count("\n") + 2


def page_fault(name, text, detail):
    """A fault that appends ``text`` to docs/docker-basics.md; the error must
    name the file, the line and ``detail``."""
    def inject(project):
        line = append_at(project / "docs" / "docker-basics.md", text)
        return f"docs/docker-basics.md:{line}", detail
    inject.__name__ = f"inject_{name}"
    return inject


inject_script = page_fault("script", "<script>alert(document.domain)</script>\n", "<script>")
inject_event_handler = page_fault("event_handler", '<span onclick="alert(1)">clique</span>\n', "onclick=")
inject_iframe = page_fault("iframe", '<iframe src="https://example.com/"></iframe>\n', "<iframe>")
inject_object = page_fault("object", '<object data="https://example.com/x.svg"></object>\n', "<object>")
inject_embed = page_fault("embed", '<embed src="assets/images/logo.svg">\n', "<embed>")
inject_offsite_image = page_fault("offsite_image", "![x](https://example.com/logo.png)\n", "https://example.com/logo.png")
inject_offsite_srcset = page_fault(
    "offsite_srcset",
    '<img src="assets/images/logo.svg" srcset="//cdn.example.com/logo@2x.png 2x" alt="logo">\n',
    "//cdn.example.com/logo@2x.png",
)
inject_javascript_url = page_fault("javascript_url", '<a href="javascript:alert(1)">link</a>\n', "javascript:")
inject_unclosed_fence = page_fault("unclosed_fence", "```bash\ndocker ps\n\nTexto que viraria código.\n",
                                   "code fence never closed")
inject_unclosed_admonition = page_fault("unclosed_admonition", '!!! note "Nota"\n\nTexto que devia estar recuado.\n',
                                        "admonition with nothing indented")
inject_skipped_heading = page_fault("skipped_heading", "#### Nível pulado\n\nTexto.\n", "heading level 4 after level 2")
inject_empty_table_header = page_fault("empty_table_header", "| | A | B |\n| --- | --- | --- |\n| x | 1 | 2 |\n",
                                       "table header with an empty cell")


def inject_script_in_includes(project):
    line = append_at(project / "includes" / "abbreviations.md", "<script>alert(document.domain)</script>\n")
    return f"includes/abbreviations.md:{line}", "<script>"


FAULTS = [
    inject_broken_link,
    inject_broken_anchor,
    inject_page_missing_from_nav,
    inject_malformed_front_matter,
    inject_missing_description,
    inject_misspelled_extension_option,
    inject_script,
    inject_script_in_includes,
    inject_event_handler,
    inject_iframe,
    inject_object,
    inject_embed,
    inject_offsite_image,
    inject_offsite_srcset,
    inject_javascript_url,
    inject_unclosed_fence,
    inject_unclosed_admonition,
    inject_skipped_heading,
    inject_empty_table_header,
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
