#!/usr/bin/env bash
# Headless Chromium for the e2e tests, from Debian's packages.
#
#   chromium.sh install   apt-get install chromium (+ fonts-dejavu-core) when missing; print its version
#
# Env: CHROMIUM_PATH (/usr/bin/chromium).
set -euo pipefail
LOG_TAG=chromium
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

install() {
  local missing=()
  [[ -x "$CHROMIUM_PATH" ]] || missing+=(chromium)
  [[ -d /usr/share/fonts/truetype/dejavu ]] || missing+=(fonts-dejavu-core)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
  [[ -x "$CHROMIUM_PATH" ]] || die "$CHROMIUM_PATH not found after install"
  local version
  # --headless: don't look for a display; as root Chromium also wants --no-sandbox.
  version="$("$CHROMIUM_PATH" --version 2>/dev/null)" || die "$CHROMIUM_PATH --version failed"
  log "$version ($CHROMIUM_PATH)"
}

case "${1:-}" in
install) install ;;
*)
  echo "usage: $0 install" >&2
  exit 2
  ;;
esac
