/** One trail point as GET /flights/{icao24} returns it: [ts, lat, lon, alt_m]. */
export type TrailPoint = [ts: number, lat: number, lon: number, altM: number | null];

/**
 * SVG path ("M x y L x y ...") of altitude over time for the panel's profile plot, scaled to
 * width x height with y = 0 at the top. Points without altitude are skipped. '' when fewer than 2.
 */
export function altitudeProfilePath(trail: readonly TrailPoint[], width: number, height: number): string {
  const pts = trail.filter((p) => p[3] !== null) as [number, number, number, number][];
  if (pts.length < 2) return '';
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  let aMax = 0;
  for (const p of pts) {
    t0 = Math.min(t0, p[0]);
    t1 = Math.max(t1, p[0]);
    aMax = Math.max(aMax, p[3]);
  }
  const span = t1 - t0 || 1;
  const top = aMax || 1;
  return pts
    .map((p, i) => {
      const x = ((p[0] - t0) / span) * width;
      const y = height - (Math.max(0, p[3]) / top) * height;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join(' ');
}

/** Highest altitude on the trail (the plot's scale label), or null. */
export function maxTrailAltM(trail: readonly TrailPoint[]): number | null {
  let m: number | null = null;
  for (const p of trail) if (p[3] !== null && (m === null || p[3] > m)) m = p[3];
  return m;
}
