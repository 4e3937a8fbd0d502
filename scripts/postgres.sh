#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432: installs it from Debian's packages
# if absent, starts the cluster if stopped, and prints a URL the tests can use.
set -euo pipefail
SUDO=$([ "$(id -u)" -ne 0 ] && echo sudo || true)
HOST=127.0.0.1 PORT=5432

if ! pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "==> Installing PostgreSQL from Debian's packages" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  fi
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$ver" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    $SUDO pg_createcluster "$ver" main >&2
  fi
  echo "==> Starting PostgreSQL $ver" >&2
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 || true
  for _ in $(seq 1 30); do pg_isready -q -h "$HOST" -p "$PORT" && break; sleep 1; done
  pg_isready -h "$HOST" -p "$PORT" >&2 || { echo "PostgreSQL did not start on $HOST:$PORT" >&2; exit 1; }
fi

# Trust auth (as on these machines) ignores the password; a stock Debian cluster asks
# for one over TCP, so give the postgres role a known password for tests.
URL="postgres://postgres:hackfest@$HOST:$PORT/postgres"
if ! psql "$URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  echo "==> Setting a password for the postgres role (test clusters only)" >&2
  if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(sudo -u postgres); fi
  "${as_pg[@]}" psql -qc "ALTER USER postgres PASSWORD 'hackfest'" >&2
  psql "$URL" -qtAc 'SELECT 1' >/dev/null || { echo "cannot connect to $URL" >&2; exit 1; }
fi
echo "$URL"
