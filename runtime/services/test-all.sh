#!/usr/bin/env bash
# The whole test suite (`npm test`): lint, type check, unit tests, then real services
# (PostgreSQL + PostGIS, Kafka, Chromium) and the integration and e2e tests against them.
# The services are stopped on exit, whatever happens.
set -euo pipefail
LOG_TAG=test-all
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

total_start=$SECONDS
REPORT_DIR="$REPO_ROOT/artifacts/test-reports"
summary=()

# For developers only: TEST_ALL_SKIP=lint,typecheck,unit,integration,e2e skips those steps.
skip_steps=",${TEST_ALL_SKIP:-},"

# step ID NAME CMD...: a header, the command, its elapsed time; stops the script on failure.
step() {
  local id="$1" name="$2" start=$SECONDS rc=0
  shift 2
  if [[ "$skip_steps" == *",$id,"* ]]; then
    printf '\n==================== %s: SKIPPED (TEST_ALL_SKIP) ====================\n' "$name"
    summary+=("$(printf '%-28s %5s  %s' "$name" - skipped)")
    return 0
  fi
  printf '\n==================== %s ====================\n$ %s\n' "$name" "$*"
  "$@" || rc=$?
  local took=$((SECONDS - start))
  summary+=("$(printf '%-28s %4ss  %s' "$name" "$took" "$([[ $rc == 0 ]] && echo ok || echo "FAILED (exit $rc)")")")
  printf -- '---- %s: %s in %ss ----\n' "$name" "$([[ $rc == 0 ]] && echo ok || echo "FAILED (exit $rc)")" "$took"
  if [[ $rc != 0 ]]; then
    exit "$rc"
  fi
}

services_started=0
on_exit() {
  local rc=$?
  if [[ $services_started == 1 ]]; then
    printf '\n==================== stop services ====================\n'
    bash "$SERVICES_DIR/down.sh" || true
  fi
  printf '\n==================== summary ====================\n'
  local line
  for line in "${summary[@]}"; do echo "$line"; done
  echo "total: $((SECONDS - total_start))s, exit $rc"
  node "$SERVICES_DIR/test-totals.mjs" "$REPORT_DIR" || true
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step lint 'lint (biome)' npx biome check .
step typecheck 'type check (tsc)' npx tsc --noEmit -p .
# Each vitest run also writes a JSON report; the summary adds them up into one closing line
# "N passed, N failed" that CI reads (vitest's own closing lines are per run).
rm -rf "$REPORT_DIR" && mkdir -p "$REPORT_DIR"
vitest_project() {
  local project="$1"
  shift
  npx vitest run --project "$project" --reporter=default --reporter=json \
    --outputFile.json="$REPORT_DIR/$project.json" "$@"
}

step unit 'unit tests' vitest_project unit

services_started=1
step services 'start services' bash "$SERVICES_DIR/up.sh"
# shellcheck source=env.sh
source "$SERVICES_DIR/env.sh"

step integration 'integration tests' vitest_project integration
step e2e 'e2e tests' vitest_project e2e
