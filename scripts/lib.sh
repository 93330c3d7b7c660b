# Shared by ./run and ./test: a project virtualenv that is reinstalled only when
# the requirement files change, and the system services the tests use.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

ensure_venv() {  # ensure_venv REQUIREMENTS_FILE
  local req=$1 stamp=.venv/.requirements-stamp python
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python) || die "craigleads needs Python 3.11 or newer (python3 was not found or is older)."
    say "Creating .venv with $python"
    "$python" -m venv .venv || die "could not create .venv (on Debian: apt-get install python3-venv)"
  fi
  # requirements-dev.txt includes requirements.txt, so a dev install serves both.
  local hash have=""
  hash=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
  [ -f "$stamp" ] && have=$(cat "$stamp")
  if [ "$have" != "requirements-dev.txt $hash" ] && [ "$have" != "$req $hash" ]; then
    say "Installing $req into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" ||
      die "pip could not install $req"
    echo "$req $hash" > "$stamp"
  fi
}

apt_install() {  # apt_install PACKAGE... (only those missing)
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "warning: cannot install ${missing[*]} (no apt-get)" >&2; return 1; }
  say "Installing system packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

postgres_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_postgres() {
  postgres_up && return 0
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql postgresql-client || return 1
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || return 1
  say "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  # A fresh install uses peer auth; the tests connect over TCP as postgres.
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if [ -w "$hba" ] && ! grep -q 'craigleads-test' "$hba"; then
    sed -i '1i host all postgres 127.0.0.1/32 trust # craigleads-test' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
  fi
  for _ in $(seq 1 30); do postgres_up && return 0; sleep 1; done
  return 1
}

ensure_redis() {
  redis_up && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server || return 1
  say "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 ||
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis_up && return 0; sleep 0.5; done
  return 1
}

ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  apt_install chromium
}
