import { offsetLatLon } from './geo.ts';

/** Camera placement behind and above the aircraft along its track. */
export interface CockpitPose {
  camera: { lat: number; lon: number; altM: number };
  /** Point the camera looks at: a little ahead of the aircraft. */
  target: { lat: number; lon: number; altM: number };
}

/**
 * Behind and a little above (altitudes are drawn x6), looking ~25 degrees down: the aircraft sits
 * below the middle of the view and the horizon, against the sky, near the top.
 */
export const COCKPIT_BACK_M = 12_000;
export const COCKPIT_UP_M = 1_400;
export const COCKPIT_AHEAD_M = 6_000;

export function cockpitPose(
  lat: number,
  lon: number,
  altM: number | null,
  trackDeg: number | null,
  backM = COCKPIT_BACK_M,
  upM = COCKPIT_UP_M,
): CockpitPose {
  const heading = trackDeg ?? 0;
  const alt = Math.max(0, altM ?? 0);
  const cam = offsetLatLon(lat, lon, heading, -backM);
  const ahead = offsetLatLon(lat, lon, heading, COCKPIT_AHEAD_M);
  return {
    camera: { lat: cam.lat, lon: cam.lon, altM: alt + upM },
    target: { lat: ahead.lat, lon: ahead.lon, altM: alt },
  };
}
