#!/bin/sh
# Runs the command with the open-file soft limit raised to the hard limit. Node has no setrlimit,
# so the process cannot do it itself; every connection (WebSocket or HTTP) is a file descriptor and
# a soft limit of 1024 caps the edge at ~500 WebSockets (edge/fd-limit.ts keeps 512 in reserve).
# `npm start` and the container image start through this; `skysentinel` run directly does not
# (then raise it yourself: `ulimit -n "$(ulimit -Hn)"`). The edge logs the limits it got.
hard=$(ulimit -Hn)
if [ "$(ulimit -Sn)" != "$hard" ]; then
  ulimit -Sn "$hard" 2>/dev/null ||
    echo "skysentinel: could not raise the open-file soft limit ($(ulimit -Sn)) to the hard limit ($hard)" >&2
fi
exec "$@"
