#!/usr/bin/env bash
# A private PostgreSQL + PostGIS cluster for the tests (not the Debian default cluster on 5432,
# no systemd): its own data dir, listening only on 127.0.0.1:$PG_PORT.
#
#   postgres.sh install   apt-get install PostgreSQL and PostGIS when missing
#   postgres.sh start     install, initdb (a fresh cluster unless PG_KEEP_DATA=1 and one exists),
#                         start, create role/database skysentinel, verify CREATE EXTENSION postgis
#   postgres.sh stop      pg_ctl stop -m fast; safe when not running
#   postgres.sh restart   stop + start keeping the data
#   postgres.sh status    exit 0 when running and answering, 3 otherwise
#
# Env: PG_PORT (15432), PG_KEEP_DATA (0), PG_DATA_DIR (see below), SKYSENTINEL_CACHE
# (~/.cache/skysentinel). Serves postgres://skysentinel:skysentinel@127.0.0.1:$PG_PORT/skysentinel
# (the role is a superuser of this throwaway cluster, as in the postgis container image).
set -euo pipefail
LOG_TAG=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${PG_PORT:-15432}"
PG_USER=skysentinel
PG_PASSWORD=skysentinel
PG_DB=skysentinel
DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"

# The server must not run as root: as root, run it as the `postgres` OS user (made by the
# Debian package). That user cannot enter /root (mode 700), so the default data dir is then
# under /var/tmp; otherwise under the cache.
if [[ $EUID -eq 0 ]]; then
  RUN_AS=(runuser -u postgres --)
  PG_BASE="${PG_BASE:-/var/tmp/skysentinel}"
else
  RUN_AS=()
  PG_BASE="${PG_BASE:-$SKYSENTINEL_CACHE}"
fi
PG_DATA_DIR="${PG_DATA_DIR:-$PG_BASE/pgdata}"
PG_RUN_DIR="${PG_RUN_DIR:-$PG_BASE/pgrun}" # unix socket + log
PG_LOG="$PG_RUN_DIR/postgres.log"

# Newest installed server version's bin dir, or empty.
pg_bin() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$d" && -x "$d/pg_ctl" ]] && echo "$d"
}

install() {
  local bin ver
  if ! bin="$(pg_bin)"; then
    apt_install postgresql
    bin="$(pg_bin)" || die "no PostgreSQL server found after installing the postgresql package"
  fi
  ver="$(basename "$(dirname "$bin")")"
  if [[ ! -f "/usr/share/postgresql/$ver/extension/postgis.control" ]]; then
    apt_install "postgresql-$ver-postgis-3"
  fi
  [[ -f "/usr/share/postgresql/$ver/extension/postgis.control" ]] || die "PostGIS for PostgreSQL $ver is missing"
  log "PostgreSQL $ver with PostGIS installed ($bin)"
}

as_pg() { "${RUN_AS[@]}" "$@"; }

is_running() {
  local bin
  bin="$(pg_bin)" || return 1
  [[ -f "$PG_DATA_DIR/postmaster.pid" ]] && as_pg "$bin/pg_ctl" status -D "$PG_DATA_DIR" >/dev/null 2>&1
}

psql_super() {
  as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN_DIR" -p "$PG_PORT" -U postgres "$@"
}

verify() {
  PGPASSWORD="$PG_PASSWORD" "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -At "$DATABASE_URL" \
    -c 'SELECT postgis_full_version()' -c 'SELECT ST_AsText(ST_MakePoint(1, 2))'
}

init_cluster() {
  local bin="$1"
  log "initdb $PG_DATA_DIR"
  rm -rf "$PG_DATA_DIR"
  mkdir -p "$PG_DATA_DIR"
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_DATA_DIR"; fi
  chmod 700 "$PG_DATA_DIR"
  as_pg "$bin/initdb" -D "$PG_DATA_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$PG_RUN_DIR/initdb.log" 2>&1 || {
    cat "$PG_RUN_DIR/initdb.log" >&2
    die "initdb failed"
  }
  # Tuned for tests; durability stays on (fsync, synchronous_commit at their defaults).
  as_pg tee -a "$PG_DATA_DIR/postgresql.conf" >/dev/null <<EOF

# --- runtime/services/postgres.sh ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN_DIR'
max_connections = 200
shared_buffers = 256MB
max_wal_size = 2GB
maintenance_work_mem = 128MB
fsync = on
synchronous_commit = on
logging_collector = off
log_min_messages = warning
log_timezone = 'UTC'
timezone = 'UTC'
EOF
}

start() {
  install
  local bin
  bin="$(pg_bin)"
  mkdir -p "$PG_RUN_DIR"
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_BASE" "$PG_RUN_DIR"; fi
  if is_running; then
    log "already running (data $PG_DATA_DIR)"
  else
    if [[ "${PG_KEEP_DATA:-0}" == 1 && -f "$PG_DATA_DIR/PG_VERSION" ]]; then
      log "keeping data in $PG_DATA_DIR (PG_KEEP_DATA=1)"
      rm -f "$PG_DATA_DIR/postmaster.pid" # stale after a crash; pg_ctl status said not running
    else
      init_cluster "$bin"
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
      die "127.0.0.1:$PG_PORT is already in use by another process; stop it or set PG_PORT"
    fi
    log "starting on 127.0.0.1:$PG_PORT (log $PG_LOG)"
    as_pg "$bin/pg_ctl" start -D "$PG_DATA_DIR" -l "$PG_LOG" -w -t 60 >/dev/null || {
      tail -n 40 "$PG_LOG" >&2
      die "pg_ctl start failed (log above)"
    }
  fi
  # Idempotent setup: role, database, extension.
  psql_super -d postgres <<EOF
SELECT 'CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD ''$PG_PASSWORD'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') \gexec
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
EOF
  psql_super -d "$PG_DB" -c 'SET client_min_messages TO warning' -c 'CREATE EXTENSION IF NOT EXISTS postgis'
  local out
  out="$(verify)" || die "PostGIS check failed"
  log "ready: ${out%%$'\n'*}"
  log "ST_AsText(ST_MakePoint(1, 2)) = ${out##*$'\n'}"
  echo "DATABASE_URL=$DATABASE_URL"
}

stop() {
  local bin
  if ! is_running; then
    log "not running"
    return 0
  fi
  bin="$(pg_bin)"
  log "stopping (pg_ctl stop -m fast)"
  as_pg "$bin/pg_ctl" stop -D "$PG_DATA_DIR" -m fast -w -t 60 >/dev/null
  log "stopped"
}

status() {
  if is_running && verify >/dev/null 2>&1; then
    log "running on 127.0.0.1:$PG_PORT (data $PG_DATA_DIR)"
    echo "DATABASE_URL=$DATABASE_URL"
    return 0
  fi
  log "not running"
  return 3
}

case "${1:-}" in
install) install ;;
start) start ;;
stop) stop ;;
restart)
  stop
  PG_KEEP_DATA=1 start
  ;;
status) status ;;
*)
  echo "usage: $0 {install|start|stop|status|restart}" >&2
  exit 2
  ;;
esac
