"""Search the way readers type: accents optional, stemming, per language, http and file://.

Each row: (page the reader is on, what they type, acceptable targets). A target
"page.html" accepts any result on that page; "page.html#anchor" only that section.
The row passes when a target is among the first 3 result links.
"""

from __future__ import annotations


import pytest

from helpers import run_query
from search_helpers import RESULTS

pytestmark = pytest.mark.browser

C, I, M, H = "container-basics.html", "docker-basics.html", "docker-machine-basics.html", "conceitos.html"
R, P, D = "redes.html", "compose.html", "boas-praticas-dockerfile.html"

PORTUGUESE = [
    # Commands and flags land on the section that explains them.
    (C, "docker ps", [f"{C}#listar-containers-docker-ps"]),
    (C, "-p", [f"{C}#publicar-portas-opcao-publish--p", f"{R}#publicar-portas--p-e-expose"]),
    (H, "commit", [f"{H}#docker-commit-de-container-para-imagem",
                   f"{C}#criar-uma-imagem-a-partir-de-um-container-docker-commit"]),
    (H, "docker build", [f"{I}#construir-a-imagem-docker-build"]),
    (H, "docker logs", [f"{C}#ver-a-saida-de-um-container-docker-logs"]),
    (H, "docker exec", [f"{C}#executar-comandos-em-um-container-docker-exec"]),
    (H, "docker history", [f"{I}#ver-as-camadas-docker-history"]),
    (H, "docker save", [f"{I}#sem-rede-docker-save-e-docker-load"]),
    (H, "docker push", [f"{I}#enviar-para-um-registry-docker-login-e-docker-push"]),
    (H, "docker pull", [f"{I}#baixar-imagens-docker-pull"]),
    (H, "docker-machine env", [f"{M}#conectar-o-cliente-docker-machine-env"]),
    (H, "docker context", [f"{M}#engines-remotos-com-docker-context"]),
    (H, "entrypoint", [f"{I}#entrypoint-e-cmd-forma-exec-e-forma-shell"]),
    (H, "docker pause", [f"{C}#pausar-e-retomar-docker-pause-e-docker-unpause"]),
    # Words readers actually use, with and without accents.
    (H, "apagar container", [f"{C}#remover-containers-docker-rm",
                             f"{C}#limpeza-container-prune-system-prune-e-system-df"]),
    (H, "mapear porta", [f"{C}#publicar-portas-opcao-publish--p", f"{R}#publicar-portas--p-e-expose"]),
    (H, "variáveis de ambiente", [f"{C}#variaveis-de-ambiente-opcoes-env-e-env-file"]),
    (H, "variaveis de ambiente", [f"{C}#variaveis-de-ambiente-opcoes-env-e-env-file"]),
    (H, "camada gravável", [f"{H}#camadas-e-a-camada-gravavel"]),
    (H, "camada gravavel", [f"{H}#camadas-e-a-camada-gravavel"]),
    (H, "máquina virtual", [f"{H}#container-nao-e-maquina-virtual"]),
    (H, "maquina virtual", [f"{H}#container-nao-e-maquina-virtual"]),
    (C, "limitar memória", [f"{C}#limites-de-recursos-memory-cpus-e-pids-limit",
                            f"{H}#cgroups-quanto-cada-container-pode-usar"]),
    (C, "limitar memoria", [f"{C}#limites-de-recursos-memory-cpus-e-pids-limit",
                            f"{H}#cgroups-quanto-cada-container-pode-usar"]),
    (C, "contêiner", [C, H]),
    (C, "conteiner", [C, H]),
    (H, "namespaces", [f"{H}#namespaces-o-que-cada-container-enxerga", f"{H}#os-oito-tipos-de-namespace-do-linux"]),
    (H, "uts", [f"{H}#os-oito-tipos-de-namespace-do-linux"]),
    (H, "cgroups", [f"{H}#cgroups-quanto-cada-container-pode-usar"]),
    (H, "persistência dos dados", [f"{H}#o-que-persiste-quando-o-container-para",
                                   f"{C}#guardar-dados-volumes-e-bind-mounts"]),
    (H, "persistencia dos dados", [f"{H}#o-que-persiste-quando-o-container-para",
                                   f"{C}#guardar-dados-volumes-e-bind-mounts"]),
    (H, "ciclo de vida", [f"{C}#ciclo-de-vida-de-um-container"]),
    (H, "cache de build", [f"{I}#camadas-e-cache-de-build"]),
    (H, "remover imagem", [f"{I}#remover-imagens-docker-image-rm-e-docker-image-prune"]),
    (H, "primeiro dockerfile", [f"{I}#seu-primeiro-dockerfile"]),
    (H, "descontinuado", [M]),
    # A heading that is the question outranks sections that only mention its word.
    (C, "o que é o docker", [f"{H}#o-que-e-o-docker"]),
    (C, "o que e o docker", [f"{H}#o-que-e-o-docker"]),
    (C, "o que é uma imagem", [f"{H}#o-que-e-uma-imagem"]),
    (C, "o que é um container", [f"{H}#o-que-e-um-container"]),
    # Networking and Compose.
    (H, "docker network create", [f"{R}#redes-definidas-pelo-usuario-docker-network-create"]),
    (H, "docker network connect", [f"{R}#ligar-e-desligar-containers-docker-network-connect-e-disconnect"]),
    (H, "rede padrão", [f"{R}#a-rede-bridge-padrao"]),
    (H, "rede padrao", [f"{R}#a-rede-bridge-padrao"]),
    (H, "comunicação entre containers", [R]),
    (H, "comunicacao entre containers", [R]),
    (H, "expose", [f"{R}#publicar-portas--p-e-expose"]),
    (H, "host.docker.internal", [f"{R}#do-container-para-o-host-hostdockerinternal"]),
    (H, "docker compose up", [f"{P}#subir-a-aplicacao-docker-compose-up"]),
    (H, "docker-compose", [P]),
    (H, "aplicação com vários containers", [P]),
    (H, "aplicacao com varios containers", [P]),
    (H, "multi-stage", [f"{D}#multi-stage-build-compilar-num-estagio-rodar-em-outro"]),
    (H, "usuário sem root", [f"{D}#rodar-sem-root-user", f"{D}#o-grupo-docker-e-o-modo-rootless"]),
    (H, "healthcheck", [f"{P}#depends_on-e-healthcheck-esperar-o-servico-ficar-pronto",
                        f"{D}#healthcheck-o-container-esta-atendendo"]),
]

ENGLISH = [
    ("en/" + H, "namespaces", ["en/" + H]),
    ("en/" + H, "writable layer", ["en/" + H]),
    ("en/" + C, "docker ps", ["en/" + C]),
    ("en/" + C, "remove container", ["en/" + C]),
    ("en/" + C, "publish port", ["en/" + C]),
    ("en/" + C, "memory limit", ["en/" + C, "en/" + H]),
    ("en/" + I, "build cache", ["en/" + I]),
    ("en/" + M, "docker context", ["en/" + M]),
    ("en/" + H, "docker network", ["en/" + R]),
    ("en/" + H, "user-defined network", ["en/" + R]),
    ("en/" + H, "docker compose", ["en/" + P]),
    ("en/" + H, "healthcheck", ["en/" + P, "en/" + D]),
    ("en/" + H, "multi-stage build", [f"en/{D}#multi-stage-builds-compile-in-one-stage-run-in-another"]),
    ("en/" + C, "what is docker", [f"en/{H}#what-is-docker"]),
    ("en/" + C, "what is an image", [f"en/{H}#what-is-an-image"]),
]

# Error messages pasted whole, as a reader copies them from the terminal (with their own
# names, IDs and ports): both editions show the English message under the same anchor.
PC = "problemas-comuns.html"
ID = "3f2a9c1d5e7b8f60a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f809"
PASTED_ERRORS = [
    ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
     "cannot-connect-to-the-docker-daemon"),
    ('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: '
     'Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/containers/json": dial unix /var/run/docker.sock: '
     'connect: permission denied',
     "permission-denied-while-trying-to-connect-to-the-docker-daemon-socket"),
    ("Error response from daemon: pull access denied for minhaempresa/api, repository does not exist or may "
     "require 'docker login': denied: requested access to the resource is denied",
     "pull-access-denied-for--repository-does-not-exist-or-may-require-docker-login"),
    ("Error response from daemon: manifest for python:3.99 not found: manifest unknown: manifest unknown",
     "manifest-for--not-found-manifest-unknown"),
    ("exec /usr/local/bin/docker-entrypoint.sh: exec format error", "exec-format-error"),
    (f'docker: Error response from daemon: Conflict. The container name "/web" is already in use by container '
     f'"{ID}". You have to remove (or rename) that container to be able to reuse that name.',
     "is-already-in-use-by-container"),
    (f"docker: Error response from daemon: driver failed programming external connectivity on endpoint web "
     f"({ID}): Bind for 0.0.0.0:8080 failed: port is already allocated", "port-is-already-allocated"),
    (f"docker: Error response from daemon: driver failed programming external connectivity on endpoint db "
     f"({ID}): Error starting userland proxy: listen tcp4 0.0.0.0:5432: bind: address already in use",
     "address-already-in-use"),
    ("docker: Error response from daemon: failed to bind host port 127.0.0.1:5432/tcp: address already in use",
     "address-already-in-use"),
    ("the input device is not a TTY", "the-input-device-is-not-a-tty"),
    (f"Error response from daemon: Container {ID} is not running", "container-is-not-running"),
    ("Error response from daemon: No such container: web", "no-such-container"),
    ('failed to compute cache key: "/requirements.txt" not found: not found', "failed-to-compute-cache-key"),
    ('failed to compute cache key: failed to calculate checksum of ref 4e567abb-18fd-4dce-9ad1-30aec459e2a9::99auxgi6855'
     '9pmdf2srzvlwo5: "/requirements.txt": not found', "failed-to-compute-cache-key"),
    ("exec /app/entrypoint.sh: no such file or directory", "exec-entrypointsh-no-such-file-or-directory"),
    ("Exited (137) 3 minutes ago", "exited-137"),
    ("OOMKilled", "exited-137"),
    ("Error response from daemon: Error processing tar file(exit status 1): write /dados/backup.tar: "
     "no space left on device", "no-space-left-on-device"),
    (f"Error response from daemon: remove dados: volume is in use - [{ID}]", "volume-is-in-use"),
    ("docker: Error response from daemon: network minha-rede not found", "network-not-found"),
    # Pasted with a reader's own names, IDs, API version and paths.
    ('docker: Error response from daemon: Conflict. The container name "/web" is already in use by container'
     ' "3f2b8c1d0e9a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678". You have to remove (or rename)'
     " that container to be able to reuse that name.", "is-already-in-use-by-container"),
    ("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock:"
     ' Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json": dial unix /var/run/docker.sock:'
     " connect: permission denied", "permission-denied-while-trying-to-connect-to-the-docker-daemon-socket"),
    ("ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref"
     ' 9c1e4f7a-2b3d-4e5f-8a9b-0c1d2e3f4a5b::x1y2z3w4v5u6t7s8r9q0p1o2n: "/app/requirements.txt": not found',
     "failed-to-compute-cache-key"),
    ("exec /docker-entrypoint.sh: no such file or directory", "exec-entrypointsh-no-such-file-or-directory"),
    ("Bind for 0.0.0.0:8080 failed: port is already allocated", "port-is-already-allocated"),
]
PROBLEMAS = [(prefix + PC, query, [f"{prefix}{PC}#{anchor}"])
             for prefix in ("", "en/") for query, anchor in PASTED_ERRORS]

ROWS = PORTUGUESE + ENGLISH + PROBLEMAS


def hit(links: list[str], targets: list[str]) -> bool:
    top = links[:3]
    for target in targets:
        if "#" in target and target in top:
            return True
        if "#" not in target and any(link.split("#")[0] == target for link in top):
            return True
    return False


def check_row(page, base, start, query, targets, transport):
    url = base(start)
    if page.url != url:
        page.goto(url)
    links = run_query(page, query)
    ok = hit(links, targets)
    RESULTS.setdefault(transport, []).append(ok)
    lang_en = start.startswith("en/")
    assert all(link.startswith("en/") == lang_en for link in links), f"{query!r}: results from the other language: {links}"
    assert ok, f"{query!r} on {start}: none of {targets} in top 3 {links[:3]}"


@pytest.mark.parametrize(("start", "query", "targets"), ROWS, ids=[f"{s}:{q}" for s, q, _ in ROWS])
def test_query_over_http(search_tab, server, start, query, targets):
    check_row(search_tab, lambda p: server + p, start, query, targets, "http")


@pytest.mark.parametrize(("start", "query", "targets"), ROWS, ids=[f"{s}:{q}" for s, q, _ in ROWS])
def test_query_over_file(search_tab, offline_root, start, query, targets):
    check_row(search_tab, lambda p: (offline_root / p).as_uri(), start, query, targets, "file")


def test_highlight_marks_accented_word_for_unaccented_query(search_page, server):
    search_page.goto(server + H)
    run_query(search_page, "conteiner")
    marks = search_page.locator(".md-search-result mark").all_inner_texts()
    assert any("contêiner" in m.lower() for m in marks), marks


def test_table_size():
    assert len(ROWS) >= 30

