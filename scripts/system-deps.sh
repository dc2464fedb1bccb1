#!/usr/bin/env bash
# Installs the system packages the test suite needs (Debian): chromium for the
# browser tests, docker.io, debootstrap and busybox-static for the Docker checks
# and the executed examples, Java for the HTML checker. Installs only what is
# missing, as root or through passwordless sudo (a CI runner's user); otherwise
# says how to install it and fails.
set -euo pipefail
# dockerd, debootstrap and iptables live in /usr/sbin, which a non-root user's
# PATH on Debian does not list.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

missing=()
[ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
# docker.io: the docker CLI (command checks) and dockerd (executed examples).
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# Base images for the executed examples are built locally (no registry here).
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
# curl: the container pages fetch from published ports on the host.
command -v curl >/dev/null 2>&1 || missing+=(curl)
# Java runs the Nu HTML Checker (vnu.jar from npm) in tests/quality.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  as_root=(false)
fi
if [ "${as_root[0]:-}" != false ] && command -v apt-get >/dev/null 2>&1; then
  echo "Instalando pacotes do sistema: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

echo "Faltam pacotes do sistema para os testes: ${missing[*]}" >&2
echo "Instale com: sudo apt-get install ${missing[*]}  (ou rode 'make test' como root ou com sudo sem senha)" >&2
exit 1
