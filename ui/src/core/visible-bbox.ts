import type { BBox } from '../../../runtime/contract/protocol.ts';

const DEG = Math.PI / 180;

export interface ViewState {
  /** Point under the camera (globe.gl pointOfView). */
  lat: number;
  lon: number;
  /** Camera height above the surface in globe radii (globe.gl pointOfView altitude). */
  altitude: number;
  /** Vertical field of view of the camera, degrees. */
  fovDeg: number;
  /** Viewport width / height. */
  aspect: number;
}

/** Above this angular radius the view is (close to) a whole hemisphere: subscribe to everything. */
export const WHOLE_VIEW_DEG = 60;
/** Margin so aircraft just outside the screen are already there when the user pans. */
export const BBOX_MARGIN = 1.25;

/**
 * Angular radius (degrees, from the point under the camera) of the part of the globe the
 * camera sees: the horizon, or less when the viewport's corners fall on the globe.
 */
export function visibleRadiusDeg(v: ViewState): number {
  const d = 1 + Math.max(v.altitude, 1e-6); // camera distance in globe radii
  const horizon = Math.acos(1 / d);
  const halfV = (v.fovDeg * DEG) / 2;
  const halfDiag = Math.atan(Math.tan(halfV) * Math.sqrt(1 + v.aspect * v.aspect));
  const s = d * Math.sin(halfDiag);
  // A corner ray that hits the globe: the hit's angle from the sub-camera point.
  const byFov = s < 1 ? Math.asin(s) - halfDiag : horizon;
  return Math.min(horizon, byFov) / DEG;
}

/**
 * The box to subscribe with (contract section 7): [w, s, e, n], or null when the whole
 * hemisphere is in view. A box that would cross the antimeridian or reach a pole is widened to
 * all longitudes, so w <= e always holds.
 */
export function visibleBBox(v: ViewState): BBox | null {
  const radius = visibleRadiusDeg(v) * BBOX_MARGIN;
  if (radius >= WHOLE_VIEW_DEG) return null;
  const s = Math.max(-90, v.lat - radius);
  const n = Math.min(90, v.lat + radius);
  if (n >= 90 || s <= -90) return [-180, round(s), 180, round(n)];
  const sinR = Math.sin(radius * DEG);
  const cosLat = Math.cos(v.lat * DEG);
  if (sinR >= cosLat) return [-180, round(s), 180, round(n)];
  const dLon = Math.asin(sinR / cosLat) / DEG;
  const w = v.lon - dLon;
  const e = v.lon + dLon;
  if (w < -180 || e > 180) return [-180, round(s), 180, round(n)];
  return [round(w), round(s), round(e), round(n)];
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Whether two subscriptions differ enough to re-subscribe (tolerance in degrees). */
export function bboxChanged(a: BBox | null, b: BBox | null, toleranceDeg = 0.05): boolean {
  if (a === null || b === null) return a !== b;
  for (let i = 0; i < 4; i++) if (Math.abs(a[i]! - b[i]!) > toleranceDeg) return true;
  return false;
}

export function bboxContains(b: BBox | null, lat: number, lon: number): boolean {
  if (b === null) return true;
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}
