import type * as THREE from 'three';

/**
 * The in-view threshold for a unit vector u on the sphere: u · cameraPosition >= the returned
 * value when u is no farther from the point under the camera than the view reaches: the central
 * angle where the ray to the screen's corner meets the sphere (the horizon when it misses), plus
 * a margin for the drawn (exaggerated) altitude and for aircraft moving between updates.
 * `altitude` is the camera's altitude in globe radii; w, h the canvas size.
 */
export function viewMinDot(camera: THREE.Camera, altitude: number, w: number, h: number): number {
  const c = camera.position;
  const cl = Math.hypot(c.x, c.y, c.z);
  const fovDeg = (camera as THREE.PerspectiveCamera).fov ?? 50;
  const corner = Math.atan(Math.tan((fovDeg * Math.PI) / 360) * (Math.hypot(w, h) / Math.max(1, h)));
  const hit = (1 + altitude) * Math.sin(corner);
  const reach = hit >= 1 ? Math.acos(1 / (1 + altitude)) : Math.asin(hit) - corner;
  return Math.cos(Math.min(Math.PI / 2, reach * 1.05 + 0.01)) * cl;
}
