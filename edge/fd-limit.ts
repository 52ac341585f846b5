import { readFileSync } from 'node:fs';

/**
 * The open-file limit against what the edge may be asked to hold. Every WebSocket and HTTP
 * connection is a file descriptor; once the process has none left, accept() fails, uWS retries it
 * in a loop (the process spins) and even /healthz cannot connect. Node cannot raise its own limit
 * (no setrlimit): `npm start` and the container image start it through runtime/deploy/raise-nofile.sh,
 * which raises the soft limit to the hard limit in the shell first. The edge caps its WebSocket
 * clients below the soft limit it got, keeping a reserve for HTTP connections (/healthz among
 * them), files, Kafka and PostgreSQL, and says how to raise the limit (`ulimit -n`, compose
 * `ulimits`). Pure but for readOpenFilesLimit.
 */
export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

/** Descriptors kept free of WebSockets: HTTP connections, files, Kafka, PostgreSQL, the UI. */
export const FD_RESERVE = 512;

/** Parses the "Max open files" line of /proc/<pid>/limits ("unlimited" counts as a large number). */
export function parseOpenFilesLimit(procLimits: string): OpenFilesLimit | null {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(procLimits);
  if (!m) return null;
  const n = (s: string) => (s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

/** This process's limit (Linux); null where /proc is not there. */
export function readOpenFilesLimit(): OpenFilesLimit | null {
  try {
    return parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The WebSocket cap the limit allows, and a warning when it is lower than WS_MAX_CLIENTS. With no
 * known limit the configured cap stands.
 */
export function webSocketCap(
  wsMaxClients: number,
  limit: OpenFilesLimit | null,
  reserve = FD_RESERVE,
): { maxClients: number; warning: string | null } {
  if (limit === null) return { maxClients: wsMaxClients, warning: null };
  const allowed = Math.max(0, limit.soft - reserve);
  if (wsMaxClients <= allowed) return { maxClients: wsMaxClients, warning: null };
  const raise =
    limit.hard > limit.soft
      ? `raise it before starting, e.g. \`ulimit -n ${limit.hard}\` (the hard limit), or compose's \`ulimits: nofile\``
      : `the hard limit is ${limit.hard} too: raise it (limits.conf, systemd LimitNOFILE, compose's \`ulimits: nofile\`)`;
  return {
    maxClients: allowed,
    warning:
      `WS_MAX_CLIENTS=${wsMaxClients} does not fit the open-file limit (soft ${limit.soft}, hard ${limit.hard}) ` +
      `with ${reserve} descriptors kept for HTTP, files, Kafka and PostgreSQL: serving at most ${allowed} WebSocket ` +
      `clients. Node cannot raise its own limit; ${raise}.`,
  };
}

/** A note for the start-up log when the soft limit is below the hard one (started without raise-nofile.sh). */
export function softLimitNote(limit: OpenFilesLimit | null): string | null {
  if (limit === null || limit.soft >= limit.hard) return null;
  return (
    `open-file soft limit ${limit.soft} is below the hard limit ${limit.hard}: Node cannot raise it; ` +
    'start through runtime/deploy/raise-nofile.sh (npm start and the image do) or run `ulimit -n "$(ulimit -Hn)"` first'
  );
}
