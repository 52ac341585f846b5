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

# apt-get install the given packages, after an `apt-get update` (a fresh machine's package
# lists may be empty or stale) unless one ran here in the last hour. Serialised with flock
# because postgres.sh and chromium.sh may install at the same time.
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  local lock=/tmp/skysentinel-apt.lock stamp=/tmp/skysentinel-apt.updated
  (
    flock 9
    if [[ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]]; then
      log "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
      touch "$stamp"
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
  ) 9>"$lock"
}

# Wait until `$@` succeeds, at most $TIMEOUT seconds (default 60), polling every 0.5 s.
wait_for() {
  local timeout="${TIMEOUT:-60}" start=$SECONDS
  until "$@"; do
    ((SECONDS - start >= timeout)) && return 1
    sleep 0.5
  done
}
