#!/usr/bin/env bash
# Stop the services that runtime/services/up.sh started (both safe to call when not running).
set -uo pipefail
dir="$(dirname "${BASH_SOURCE[0]}")"
rc=0
bash "$dir/kafka.sh" stop || rc=$?
bash "$dir/postgres.sh" stop || rc=$?
exit "$rc"
