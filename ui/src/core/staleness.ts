/** No frame for longer than this and the picture is shown stale (dimmed, banner, grey values). */
export const STALE_AFTER_MS = 3000;

/**
 * Whole seconds without a frame once over the threshold, else 0. `lastFrameMs` null: no frame
 * yet (connecting, nothing to call stale).
 */
export function staleSeconds(
  nowMs: number,
  lastFrameMs: number | null,
  thresholdMs = STALE_AFTER_MS,
): number {
  if (lastFrameMs === null) return 0;
  const age = nowMs - lastFrameMs;
  return age > thresholdMs ? Math.floor(age / 1000) : 0;
}
