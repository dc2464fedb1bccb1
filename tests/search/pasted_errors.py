"""A test-only page of error-message sections, for the pasted-error search rows.

Readers paste a whole Docker error into the search box: names, paths, URLs,
IDs and quotes included. Each section here is built the way a
troubleshooting page writes one: the heading is the distinctive text of the
message, the body explains it and shows the message as the docs' own run
printed it -- with other names, IDs, paths and API version than the reader's
paste, as it would be. The page is added to a throwaway copy of the project
(conftest.py: ``pasted_site``), so the rest of the site competes as usual.
"""

from __future__ import annotations

from pathlib import Path

PAGE = "erros-colados"  # docs/erros-colados.md and .en.md in the copy only

# (anchor pt, anchor en, heading, Portuguese body, English body, message shown on the page)
SECTIONS = [
    (
        "conflict-the-container-name-is-already-in-use",
        "conflict-the-container-name-is-already-in-use",
        "Conflict: the container name is already in use",
        "Já existe um container com esse nome, parado ou rodando. Remova o antigo com `docker rm`"
        " ou escolha outro nome com `--name`.",
        "A container with that name already exists, stopped or running. Remove the old one with"
        " `docker rm` or pick another name with `--name`.",
        'docker: Error response from daemon: Conflict. The container name "/meu-app" is already in use'
        ' by container "8d1f0c3a9b7e6d5c4b3a29181716151413121110f0e0d0c0b0a09080706050403".'
        " You have to remove (or rename) that container to be able to reuse that name.",
    ),
    (
        "permission-denied-while-trying-to-connect-to-the-docker-daemon-socket",
        "permission-denied-while-trying-to-connect-to-the-docker-daemon-socket",
        "permission denied while trying to connect to the Docker daemon socket",
        "O seu usuário não pode abrir o socket do daemon. Use `sudo` ou entre no grupo `docker`"
        " (e saia da sessão para valer).",
        "Your user cannot open the daemon's socket. Use `sudo` or join the `docker` group"
        " (and log out for it to take effect).",
        "Got permission denied while trying to connect to the Docker daemon socket at"
        ' unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/info":'
        " dial unix /var/run/docker.sock: connect: permission denied",
    ),
    (
        "failed-to-compute-cache-key-not-found",
        "failed-to-compute-cache-key-not-found",
        "failed to compute cache key: not found",
        "O `COPY` pede um arquivo que não está no contexto de build: confira o caminho, a pasta"
        " de onde você roda o `docker build` e o `.dockerignore`.",
        "`COPY` asks for a file that is not in the build context: check the path, the folder"
        " you run `docker build` from and `.dockerignore`.",
        'ERROR: failed to solve: failed to compute cache key: "/src/package.json" not found:'
        " not found",
    ),
    (
        "exec-no-such-file-or-directory",
        "exec-no-such-file-or-directory",
        "exec: no such file or directory",
        "O programa do `ENTRYPOINT` ou do `CMD` não existe na imagem, ou é um script com fim de"
        " linha do Windows ou um interpretador que a imagem não tem.",
        "The `ENTRYPOINT` or `CMD` program is not in the image, or it is a script with Windows"
        " line endings or an interpreter the image lacks.",
        "exec /usr/local/bin/start.sh: no such file or directory",
    ),
    (
        "port-is-already-allocated",
        "port-is-already-allocated",
        "port is already allocated",
        "Outro container (ou outro programa) já publica essa porta do host. Pare-o ou publique"
        " em outra porta do host com `-p`.",
        "Another container (or program) already publishes that host port. Stop it or publish"
        " on another host port with `-p`.",
        "docker: Error response from daemon: driver failed programming external connectivity on"
        " endpoint web2: Bind for 0.0.0.0:80 failed: port is already allocated.",
    ),
]

# What readers paste (other names, IDs and paths than the page's own run).
PASTED = [
    'docker: Error response from daemon: Conflict. The container name "/web" is already in use by container'
    ' "3f2b8c1d0e9a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678". You have to remove (or rename)'
    " that container to be able to reuse that name.",
    "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock:"
    ' Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json": dial unix /var/run/docker.sock:'
    " connect: permission denied",
    "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref"
    " 9c1e4f7a-2b3d-4e5f-8a9b-0c1d2e3f4a5b::x1y2z3w4v5u6t7s8r9q0p1o2n: \"/app/requirements.txt\": not found",
    "exec /docker-entrypoint.sh: no such file or directory",
    "Bind for 0.0.0.0:8080 failed: port is already allocated",
]

# (page the reader is on, what they paste, the section that must be in the top 3)
ROWS = [
    (prefix + "conceitos.html", pasted, f"{prefix}{PAGE}.html#{section[1 if prefix else 0]}")
    for prefix in ("", "en/")
    for pasted, section in zip(PASTED, SECTIONS)
]


def page_markdown(english: bool) -> str:
    title = "Pasted errors (test page)" if english else "Erros colados (página de teste)"
    description = (
        "A page the search tests add to a copy of the project: one section per Docker error message."
        if english
        else "Página que os testes de busca acrescentam a uma cópia do projeto: uma seção por mensagem de erro."
    )
    parts = [f'---\ntitle: "{title}"\ndescription: "{description}"\n---\n\n# {title}\n']
    for _, _, heading, pt, en, message in SECTIONS:
        parts.append(f"\n## {heading}\n\n{en if english else pt}\n\n```text\n{message}\n```\n")
    return "".join(parts)


def add_page(project: Path) -> None:
    """Write the page (and its translation, hash included) and add it to the nav."""
    import sys

    sys.path.insert(0, str(project / "hooks"))
    from i18n import source_hash

    original = project / "docs" / f"{PAGE}.md"
    original.write_text(page_markdown(False), encoding="utf-8")
    english = page_markdown(True).replace("---\n", f"---\nsource_hash: {source_hash(original)}\n", 1)
    (project / "docs" / f"{PAGE}.en.md").write_text(english, encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - Referência rápida: referencia-rapida.md\n"
    assert anchor in text, "mkdocs.yml's nav changed: update tests/search/pasted_errors.py"
    config.write_text(text.replace(anchor, f"  - Erros colados: {PAGE}.md\n" + anchor), encoding="utf-8")
