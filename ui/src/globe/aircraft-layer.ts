import * as THREE from 'three';
import type { Track } from '../../../runtime/contract/track.ts';
import { trackRgb, trackSizeFactor } from '../core/colour-scale.ts';
import { deadReckon, fixLocalTimeMs } from '../core/dead-reckoning.ts';
import type { FlightFilter } from '../core/filters.ts';
import { matchesFilter } from '../core/filters.ts';
import { geoToScene } from '../core/geo.ts';
import { SlotTable } from '../core/slot-table.ts';
import { GLOBE_RADIUS, relAltitude } from './scale.ts';

const VERTEX = /* glsl */ `
attribute vec3 aColor;
attribute float aSize;
uniform float uPx;
varying vec3 vColor;
void main() {
  vColor = aColor;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_PointSize = aSize * uPx;
  // Filtered-out slots: size 0 and pushed outside the clip volume so no driver draws a pixel.
  if (aSize <= 0.0) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
}`;
const FRAGMENT = /* glsl */ `
varying vec3 vColor;
void main() {
  float d = length(gl_PointCoord - 0.5);
  if (d > 0.5) discard;
  gl_FragColor = vec4(d > 0.36 ? vColor * 0.45 : vColor, 1.0);
}`;

/** Base point size in CSS pixels. */
const POINT_PX = 4.5;

/**
 * Every aircraft in ONE THREE.Points draw call. Deltas touch only the changed slots' colour and
 * size; positions are dead-reckoned in place once per rendered frame (onBeforeRender), so the
 * cost per frame is one pass over a Float32Array and one buffer upload, whatever the delta rate.
 */
export class AircraftLayer {
  readonly points: THREE.Points;
  readonly table = new SlotTable();
  private readonly geometry = new THREE.BufferGeometry();
  private capacity = 0;
  private positions = new Float32Array(0);
  private colors = new Float32Array(0);
  private sizes = new Float32Array(0);
  private fixLocalMs = new Float64Array(0);
  private filter: FlightFilter;
  /** Time of the last position pass (performance.now), and its cost, for the debug hook. */
  lastUpdateMs = 0;
  lastUpdateCostMs = 0;

  constructor(filter: FlightFilter) {
    this.filter = filter;
    this.grow(4096);
    const material = new THREE.ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      uniforms: { uPx: { value: POINT_PX * (globalThis.devicePixelRatio || 1) } },
      depthTest: true,
      depthWrite: true,
    });
    this.points = new THREE.Points(this.geometry, material);
    // Positions change every frame; a stale bounding sphere would cull the whole layer.
    this.points.frustumCulled = false;
    this.points.onBeforeRender = () => this.updatePositions(performance.now());
  }

  /** A snapshot: replace everything. */
  reset(tracks: readonly Track[], frameTsMs: number, receivedLocalMs: number): void {
    this.table.clear();
    for (const t of tracks) this.put(t, frameTsMs, receivedLocalMs);
    this.commit();
  }

  /** A delta: only the changed slots are written. */
  apply(
    upserts: readonly Track[],
    removes: readonly string[],
    frameTsMs: number,
    receivedLocalMs: number,
  ): void {
    for (const id of removes) this.drop(id);
    for (const t of upserts) this.put(t, frameTsMs, receivedLocalMs);
    this.commit();
  }

  setFilter(f: FlightFilter): void {
    this.filter = f;
    const tracks = this.table.tracks;
    for (let i = 0; i < tracks.length; i++) this.paint(i, tracks[i]!);
    this.commit();
  }

  get visibleCount(): number {
    return this.table.visibleCount;
  }

  /** Where an aircraft is drawn now (dead-reckoned), or null. */
  predicted(
    icao24: string,
    nowMs: number,
  ): { lat: number; lon: number; altM: number | null; track: Track } | null {
    const slot = this.table.slotOf(icao24);
    if (slot === undefined) return null;
    const t = this.table.tracks[slot]!;
    return { ...deadReckon(t, (nowMs - this.fixLocalMs[slot]!) / 1000), track: t };
  }

  /** The visible aircraft nearest to a canvas pixel (within maxPx), not hidden behind the globe. */
  pick(camera: THREE.Camera, x: number, y: number, width: number, height: number, maxPx = 10): string | null {
    const v = new THREE.Vector3();
    const camPos = camera.position;
    let best: string | null = null;
    let bestD2 = maxPx * maxPx;
    const p = this.positions;
    for (let i = 0; i < this.table.size; i++) {
      if (this.table.visible[i] !== 1) continue;
      v.set(p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!);
      // Facing the camera: the surface normal at the point points towards it.
      if (v.dot(camPos) - v.lengthSq() < 0) continue;
      v.project(camera);
      const sx = ((v.x + 1) / 2) * width;
      const sy = ((1 - v.y) / 2) * height;
      const d2 = (sx - x) ** 2 + (sy - y) ** 2;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = this.table.tracks[i]!.icao24;
      }
    }
    return best;
  }

  /** Dead-reckons every visible slot to `nowMs` and uploads the positions once. */
  updatePositions(nowMs: number): void {
    const t0 = performance.now();
    const { tracks, visible } = this.table;
    const pos = this.positions;
    for (let i = 0; i < tracks.length; i++) {
      if (visible[i] !== 1) continue;
      const p = deadReckon(tracks[i]!, (nowMs - this.fixLocalMs[i]!) / 1000);
      geoToScene(p.lat, p.lon, relAltitude(p.altM), GLOBE_RADIUS, pos, i * 3);
    }
    const attr = this.geometry.getAttribute('position') as THREE.BufferAttribute;
    attr.clearUpdateRanges();
    attr.addUpdateRange(0, tracks.length * 3);
    attr.needsUpdate = true;
    this.lastUpdateMs = nowMs;
    this.lastUpdateCostMs = performance.now() - t0;
  }

  private put(t: Track, frameTsMs: number, receivedLocalMs: number): void {
    const slot = this.table.upsert(t, false);
    if (slot >= this.capacity) this.grow(this.capacity * 2);
    this.fixLocalMs[slot] = fixLocalTimeMs(frameTsMs, t.ts, receivedLocalMs);
    this.paint(slot, t);
    // Until the next frame's pass, draw it where it was reported.
    geoToScene(t.lat, t.lon, relAltitude(t.alt_m), GLOBE_RADIUS, this.positions, slot * 3);
  }

  private paint(slot: number, t: Track): void {
    const vis = matchesFilter(t, this.filter);
    this.table.setVisible(slot, vis);
    const c = trackRgb(t);
    this.colors.set(c, slot * 3);
    this.sizes[slot] = vis ? trackSizeFactor(t) : 0;
  }

  private drop(icao24: string): void {
    const m = this.table.remove(icao24);
    if (!m || m.from === m.slot) return;
    this.positions.copyWithin(m.slot * 3, m.from * 3, m.from * 3 + 3);
    this.colors.copyWithin(m.slot * 3, m.from * 3, m.from * 3 + 3);
    this.sizes[m.slot] = this.sizes[m.from]!;
    this.fixLocalMs[m.slot] = this.fixLocalMs[m.from]!;
  }

  private commit(): void {
    this.geometry.setDrawRange(0, this.table.size);
    for (const name of ['position', 'aColor', 'aSize']) {
      const a = this.geometry.getAttribute(name) as THREE.BufferAttribute;
      a.clearUpdateRanges();
      a.needsUpdate = true;
    }
  }

  private grow(capacity: number): void {
    const n = this.table.size;
    const pos = new Float32Array(capacity * 3);
    const col = new Float32Array(capacity * 3);
    const siz = new Float32Array(capacity);
    const fix = new Float64Array(capacity);
    pos.set(this.positions.subarray(0, n * 3));
    col.set(this.colors.subarray(0, n * 3));
    siz.set(this.sizes.subarray(0, n));
    fix.set(this.fixLocalMs.subarray(0, n));
    this.positions = pos;
    this.colors = col;
    this.sizes = siz;
    this.fixLocalMs = fix;
    this.capacity = capacity;
    // New arrays need new attributes (a BufferAttribute's array cannot be resized in place).
    this.geometry.setAttribute(
      'position',
      new THREE.BufferAttribute(pos, 3).setUsage(THREE.DynamicDrawUsage),
    );
    this.geometry.setAttribute('aColor', new THREE.BufferAttribute(col, 3).setUsage(THREE.DynamicDrawUsage));
    this.geometry.setAttribute('aSize', new THREE.BufferAttribute(siz, 1).setUsage(THREE.DynamicDrawUsage));
  }
}
