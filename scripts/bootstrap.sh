#!/usr/bin/env bash
# Make this machine ready to run or test Peer Support: a Python >= 3.12 virtualenv with
# the locked packages, Postgres and Redis running, the application's database role.
# Idempotent and quiet when everything is already there.
#   scripts/bootstrap.sh            packages and services
#   scripts/bootstrap.sh --browser  also Debian's chromium, for the end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '%s\n' "bootstrap: $*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=""
apt_install() {
  is_root || die "$* is missing and only root can install it (apt-get install $*)."
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python ---------------------------------------------------------------------------------
good_python() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && good_python "$candidate" \
      && { command -v "$candidate"; return; }
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.1[2-9]* 2>/dev/null | sort -V -r); do
      good_python "$candidate/bin/python" && { echo "$candidate/bin/python"; return; }
    done
  fi
  for candidate in /usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.12; do
    [ -x "$candidate" ] && good_python "$candidate" && { echo "$candidate"; return; }
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! good_python .venv/bin/python; then
  python=$(find_python) || die "Python 3.12 or newer is needed (Django 6); none was found."
  say "creating .venv with $python"
  rm -rf .venv
  "$python" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.13,<0.14"
fi
UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=.venv \
  .venv/bin/uv sync --frozen --quiet --python .venv/bin/python

# --- Settings the services need (the .env, if any, as the app reads it) ---------------------
read_url() {  # read_url NAME DEFAULT: the environment, else .env, else the default
  local name=$1 default=$2 value=${!1:-}
  if [ -z "$value" ] && [ -f .env ]; then
    value=$(sed -n "s/^[[:space:]]*$name[[:space:]]*=[[:space:]]*//p" .env | tail -n 1 | tr -d "\"'")
  fi
  echo "${value:-$default}"
}
DATABASE_URL=$(read_url DATABASE_URL "postgres://peersupport:peersupport@127.0.0.1:5432/peersupport")
REDIS_URL=$(read_url REDIS_URL "redis://127.0.0.1:6379/0")
eval "$(.venv/bin/python - "$DATABASE_URL" "$REDIS_URL" <<'PY'
import shlex, sys
from urllib.parse import unquote, urlsplit
db, rd = urlsplit(sys.argv[1]), urlsplit(sys.argv[2])
values = {
    "DB_HOST": db.hostname or "127.0.0.1", "DB_PORT": db.port or 5432,
    "DB_USER": unquote(db.username or "peersupport"), "DB_PASSWORD": unquote(db.password or ""),
    "DB_NAME": db.path.lstrip("/") or "peersupport",
    "REDIS_HOST": rd.hostname or "127.0.0.1", "REDIS_PORT": rd.port or 6379,
}
for key, value in values.items():
    print(f"{key}={shlex.quote(str(value))}")
PY
)"
is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }

# --- Postgres -------------------------------------------------------------------------------
if is_local "$DB_HOST"; then
  if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; then
    if [ ! -d /etc/postgresql ] || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
      apt_install postgresql
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    say "starting Postgres $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break; sleep 1; done
    pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || die "Postgres did not start on $DB_HOST:$DB_PORT."
  fi
  as_admin() {  # run SQL as a Postgres superuser: over TCP with trust auth, else the socket
    if psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
      psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    else
      runuser -u postgres -- psql -p "$DB_PORT" -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    fi
  }
  sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
  sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }
  if [ "$(as_admin -c "SELECT 1 FROM pg_roles WHERE rolname = $(sql_literal "$DB_USER")")" != 1 ]; then
    say "creating the database role $DB_USER"
    as_admin -c "CREATE ROLE $(sql_ident "$DB_USER") LOGIN CREATEDB PASSWORD $(sql_literal "$DB_PASSWORD")"
  else
    as_admin -c "ALTER ROLE $(sql_ident "$DB_USER") LOGIN CREATEDB" >/dev/null
  fi
  if [ "$(as_admin -c "SELECT 1 FROM pg_database WHERE datname = $(sql_literal "$DB_NAME")")" != 1 ]; then
    say "creating the database $DB_NAME"
    as_admin -c "CREATE DATABASE $(sql_ident "$DB_NAME") OWNER $(sql_ident "$DB_USER")"
  fi
fi

# --- Redis ----------------------------------------------------------------------------------
redis_up() { .venv/bin/python -c "import redis,sys; sys.exit(0 if redis.Redis(host='$REDIS_HOST', port=$REDIS_PORT, socket_connect_timeout=1).ping() else 1)" >/dev/null 2>&1; }
if is_local "$REDIS_HOST" && ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  say "starting Redis on port $REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || die "Redis did not start on $REDIS_HOST:$REDIS_PORT."
fi

# --- Browser for the end-to-end tests -------------------------------------------------------
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
exit 0
