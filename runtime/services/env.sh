# shellcheck shell=bash
# Source this to point the integration/e2e tests (or a hand-run process) at the services that
# runtime/services/up.sh started:   source runtime/services/env.sh && npx vitest run --project integration
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-19092}"
export DATABASE_URL="postgres://skysentinel:skysentinel@127.0.0.1:${PG_PORT:-15432}/skysentinel"
export SKYSENTINEL_SERVICES=1
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export KAFKAJS_NO_PARTITIONER_WARNING=1
