# Shared helpers for runtime/services/*.sh (sourced, not run).
# shellcheck shell=bash

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
SKYSENTINEL_CACHE="${SKYSENTINEL_CACHE:-$HOME/.cache/skysentinel}"

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "${LOG_TAG:-services}" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# True when $1 is a live process whose command line contains $2.
pid_matches() {
  local pid="$1" needle="$2"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle"
}

# Run apt-get install for the given packages, running `apt-get update` once per process
# first (a fresh machine's package lists may be empty or stale). Serialised with flock
# because postgres.sh and chromium.sh may install at the same time.
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  local lock=/tmp/skysentinel-apt.lock
  (
    flock 9
    if [[ "$APT_UPDATED" != 1 ]]; then
      log "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
  ) 9>"$lock"
  APT_UPDATED=1
}

# Wait until `$@` succeeds, at most $TIMEOUT seconds (default 60), polling every 0.5 s.
wait_for() {
  local timeout="${TIMEOUT:-60}" start=$SECONDS
  until "$@"; do
    ((SECONDS - start >= timeout)) && return 1
    sleep 0.5
  done
}
