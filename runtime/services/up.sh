#!/usr/bin/env bash
# Start every service the integration/e2e tests and benchmarks need: PostgreSQL + PostGIS and
# Kafka in parallel (installing/fetching what is missing), and make sure Chromium is installed.
# Then `source runtime/services/env.sh`. Stop them with runtime/services/down.sh.
# Env: as postgres.sh and kafka.sh (PG_KEEP_DATA, KAFKA_KEEP_DATA, ports); UP_NO_CHROMIUM=1 skips Chromium.
set -euo pipefail
LOG_TAG=up
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_s=$SECONDS
bash "$SERVICES_DIR/postgres.sh" start >/dev/null &
pg_pid=$!
bash "$SERVICES_DIR/kafka.sh" start &
kafka_pid=$!
chromium_rc=0
if [[ "${UP_NO_CHROMIUM:-0}" != 1 ]]; then
  bash "$SERVICES_DIR/chromium.sh" install || chromium_rc=$?
fi
pg_rc=0
kafka_rc=0
wait "$pg_pid" || pg_rc=$?
wait "$kafka_pid" || kafka_rc=$?
if ((pg_rc || kafka_rc || chromium_rc)); then
  die "services failed to start (postgres rc=$pg_rc, kafka rc=$kafka_rc, chromium rc=$chromium_rc)"
fi
log "all services up in $((SECONDS - start_s))s"
# shellcheck source=env.sh
source "$SERVICES_DIR/env.sh"
echo "KAFKA_BROKERS=$KAFKA_BROKERS"
echo "DATABASE_URL=$DATABASE_URL"
