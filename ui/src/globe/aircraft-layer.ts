import * as THREE from 'three';
import type { Track } from '../../../runtime/contract/track.ts';
import { trackRgb, trackSizeFactor } from '../core/colour-scale.ts';
import { deadReckon, fixLocalTimeMs, MAX_EXTRAPOLATE_S } from '../core/dead-reckoning.ts';
import { emphasisOf } from '../core/emphasis.ts';
import { compileFilter, type FlightFilter } from '../core/filters.ts';
import { EARTH_RADIUS_M, geoToScene } from '../core/geo.ts';
import { SlotTable } from '../core/slot-table.ts';
import { chooseDrawn, type DrawChoice, type DrawView, thinRank } from '../core/thinning.ts';
import { ALT_BASE_REL, ALT_EXAGGERATION, GLOBE_RADIUS, relAltitude } from './scale.ts';

/**
 * Dead reckoning on the GPU: the same straight-line step as core/dead-reckoning.ts (deadReckon,
 * offsetLatLon) and core/geo.ts (geoToScene), evaluated per vertex from the last fix. Keep the
 * two in step: `predicted()` (camera, marker, picking) uses the TypeScript version.
 * `position` holds (lat, lon, alt_m) of the fix, aVel (speed_ms, track_deg, vrate_ms), aFix the
 * fix time in seconds since the layer's epoch.
 *
 * Per vertex it does only what the picture needs (SwiftShader runs it on the CPU, 15,000 times a
 * frame): filtered-out slots and aircraft the globe hides leave before anything else; the glyph's
 * screen direction (the track as a tangent vector, projected: no second position, no extra trig)
 * is worked out only for points drawn big enough to show it, and handed on as its sine and cosine
 * (a normalised vector), so no fragment computes a trigonometric function.
 */
const VERTEX = /* glsl */ `
attribute vec3 aVel;
attribute float aFix;
attribute vec3 aColor;
attribute float aSize;
uniform float uNow;
uniform float uPx;
uniform float uDim;
uniform float uAspect;
varying vec3 vColor;
/** sin and cos of the glyph's screen angle (clockwise from up). */
varying vec2 vRot;
varying float vGlyph;
const float DEG = 0.017453292519943295;
const float R_EARTH = ${EARTH_RADIUS_M.toFixed(1)};
const float R_GLOBE = ${GLOBE_RADIUS.toFixed(1)};
/** Nothing is drawn for this vertex (outside the clip volume). */
void skip() {
  gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
  gl_PointSize = 0.0;
  vColor = vec3(0.0);
  vRot = vec2(0.0, 1.0);
  vGlyph = 0.0;
}
void main() {
  // Filtered out: size 0.
  if (aSize <= 0.0) { skip(); return; }
  float dt = clamp(uNow - aFix, 0.0, ${MAX_EXTRAPOLATE_S.toFixed(1)});
  float dist = aVel.x * dt;
  float b = aVel.y * DEG;
  float cb = cos(b);
  float sb = sin(b);
  float cosLat = max(cos(position.x * DEG), 1e-6);
  float lat = position.x + (dist * cb / R_EARTH) / DEG;
  float lon = position.y + (dist * sb / (R_EARTH * cosLat)) / DEG;
  float alt = max(0.0, position.z + aVel.z * dt);
  float phi = (90.0 - lat) * DEG;
  float theta = (90.0 - lon) * DEG;
  float sp = sin(phi);
  float cp = cos(phi);
  float st = sin(theta);
  float ct = cos(theta);
  float r = R_GLOBE * (1.0 + alt * ${(ALT_EXAGGERATION / EARTH_RADIUS_M).toExponential(8)} + ${ALT_BASE_REL.toFixed(6)});
  vec3 world = (modelMatrix * vec4(r * vec3(sp * ct, cp, sp * st), 1.0)).xyz;
  // Hidden by the globe: the segment from the camera to the aircraft passes through the sphere.
  vec3 toP = world - cameraPosition;
  float k = clamp(-dot(cameraPosition, toP) / dot(toP, toP), 0.0, 1.0);
  vec3 nearest = cameraPosition + k * toP;
  if (dot(nearest, nearest) < R_GLOBE * R_GLOBE) { skip(); return; }
  vColor = aColor * uDim;
  vec4 clip = projectionMatrix * (viewMatrix * vec4(world, 1.0));
  gl_Position = clip;
  gl_PointSize = aSize * uPx;
  vRot = vec2(0.0, 1.0);
  vGlyph = 0.0;
  // A glyph when it moves and is big enough to read; a dot otherwise.
  if (aVel.x > 0.5 && gl_PointSize >= 9.0) {
    // The track as a direction on the sphere (north and east at the aircraft), then on screen:
    // the derivative of clip.xy / clip.w along it (times clip.w squared, which keeps the angle).
    vec3 dir = cb * vec3(-cp * ct, sp, -cp * st) + sb * vec3(st, 0.0, -ct);
    vec4 dclip = projectionMatrix * (viewMatrix * (modelMatrix * vec4(dir, 0.0)));
    vec2 d = (dclip.xy * clip.w - clip.xy * dclip.w) * vec2(uAspect, 1.0);
    if (dot(d, d) > 0.0) {
      vRot = normalize(d);
      vGlyph = 1.0;
    }
  }
}`;
/**
 * An aircraft silhouette (fuselage, swept wings, tailplane) rotated by the screen-space track,
 * or a disc for aircraft that stand still or are drawn small.
 */
const FRAGMENT = /* glsl */ `
varying vec3 vColor;
/** sin and cos of the glyph's screen angle (clockwise from up). */
varying vec2 vRot;
varying float vGlyph;
bool plane(vec2 p) {
  float ax = abs(p.x);
  bool body = ax < 0.065 && p.y > -0.42 && p.y < 0.40 + 0.06 - ax;
  bool wing = ax < 0.47 && p.y < 0.12 - 0.42 * ax && p.y > -0.06 - 0.42 * ax;
  bool tail = ax < 0.19 && p.y < -0.28 - 0.3 * ax && p.y > -0.40 - 0.3 * ax;
  return body || wing || tail;
}
void main() {
  vec2 q = gl_PointCoord - 0.5;
  if (vGlyph < 0.5) {
    float d = length(q);
    if (d > 0.5) discard;
    gl_FragColor = vec4(d > 0.36 ? vColor * 0.45 : vColor, 1.0);
    return;
  }
  vec2 u = vec2(q.x, -q.y);
  float s = vRot.x;
  float c = vRot.y;
  vec2 p = vec2(u.x * c - u.y * s, u.x * s + u.y * c);
  if (plane(p)) {
    gl_FragColor = vec4(vColor, 1.0);
  } else if (plane(p * 0.86)) {
    // A dark outline keeps the shape readable over the map and over other aircraft.
    gl_FragColor = vec4(0.0, 0.0, 0.0, 1.0);
  } else discard;
}`;

/** Base point size in CSS pixels. */
const POINT_PX = 4.5;

/** Per-slot attribute columns: name and components. */
const COLUMNS = { position: 3, aVel: 3, aFix: 1, aColor: 3, aSize: 1 } as const;
type Column = keyof typeof COLUMNS;

/**
 * Every aircraft in ONE THREE.Points draw call. A delta writes only the changed slots (fix,
 * velocity, colour, size) and uploads those ranges; between deltas the CPU does nothing per
 * frame: the vertex shader moves every aircraft from its last fix (uniform uNow), so the frame
 * cost does not grow with the number of aircraft on the JavaScript side.
 *
 * The draw call goes through an index of the slots to draw (core/thinning.ts): the aircraft in
 * view that pass the filters, at most MAX_DRAWN of them (the selected and emphasised ones
 * always), chosen again after each delta and when the camera moves. Slots not in the index cost
 * the GPU nothing (software WebGL shades and sets up every point drawn on the CPU).
 */
export class AircraftLayer {
  readonly points: THREE.Points;
  readonly table = new SlotTable();
  private readonly geometry = new THREE.BufferGeometry();
  private readonly material: THREE.ShaderMaterial;
  private capacity = 0;
  private cols = {} as Record<Column, Float32Array>;
  private match: (t: Track) => boolean;
  /**
   * Unit vector (scene axes) of each slot's last fix, for the label choice's cheap "is it anywhere
   * near the view" test: a dot product instead of trigonometry per aircraft. Not uploaded.
   */
  unit = new Float32Array(0);
  /** Aircraft drawn with emphasis (emergency squawk or an open anomaly): labelled at any zoom. */
  readonly emphasised = new Set<string>();
  /** Per slot: 1 when emphasised (always drawn). */
  private always = new Uint8Array(0);
  /** Per slot: thinRank of the ICAO24. */
  private rank = new Float32Array(0);
  /** Per slot: 1 when in the draw index (in view and not thinned out). Picking and labels read it. */
  drawn = new Uint8Array(0);
  private index = new Uint32Array(0);
  private indexAttr!: THREE.BufferAttribute;
  /** Everything until the view is known. */
  private view: DrawView = { cx: 0, cy: 0, cz: 0, minDot: Number.NEGATIVE_INFINITY };
  private selectedId: string | null = null;
  /** How many are drawn of how many in view (after each choice). */
  choice: DrawChoice = { drawn: 0, inView: 0 };
  /** Called after each choice of the aircraft to draw. */
  onChoice: (c: DrawChoice) => void = () => {};
  /** performance.now() at creation: aFix and uNow count seconds from here (float32 stays precise). */
  private readonly epochMs = performance.now();
  /** Lowest and highest slot written since the last upload. */
  private dirtyLo = Number.POSITIVE_INFINITY;
  private dirtyHi = -1;

  constructor(filter: FlightFilter) {
    this.match = compileFilter(filter);
    this.grow(4096);
    this.material = new THREE.ShaderMaterial({
      vertexShader: VERTEX,
      fragmentShader: FRAGMENT,
      uniforms: {
        uPx: { value: POINT_PX * (globalThis.devicePixelRatio || 1) },
        uNow: { value: 0 },
        uDim: { value: 1 },
        uAspect: { value: 1 },
      },
    });
    this.points = new THREE.Points(this.geometry, this.material);
    // Positions are computed in the shader: three's bounding sphere and raycast would use raw
    // (lat, lon, alt) as x, y, z. Never cull; picking is done by `pick`.
    this.points.frustumCulled = false;
    this.points.raycast = () => {};
    this.points.onBeforeRender = () => {
      this.material.uniforms.uNow!.value = (performance.now() - this.epochMs) / 1000;
    };
  }

  /** A snapshot: replace everything. */
  reset(tracks: readonly Track[], frameTsMs: number, receivedLocalMs: number): void {
    this.table.clear();
    this.emphasised.clear();
    this.always.fill(0);
    for (const t of tracks) this.put(t, frameTsMs, receivedLocalMs);
    this.commit(true);
  }

  /** A delta: only the changed slots are written and uploaded. */
  apply(
    upserts: readonly Track[],
    removes: readonly string[],
    frameTsMs: number,
    receivedLocalMs: number,
  ): void {
    for (const id of removes) this.drop(id);
    for (const t of upserts) this.put(t, frameTsMs, receivedLocalMs);
    this.commit(false);
  }

  setFilter(f: FlightFilter): void {
    this.match = compileFilter(f);
    const tracks = this.table.tracks;
    for (let i = 0; i < tracks.length; i++) this.paint(i, tracks[i]!);
    this.commit(true);
  }

  /** The camera moved: choose again what is drawn (in view, within the budget). */
  setView(view: DrawView): void {
    this.view = view;
    this.choose();
  }

  /** The selected aircraft is always drawn. */
  setSelected(icao24: string | null): void {
    if (icao24 === this.selectedId) return;
    this.selectedId = icao24;
    this.choose();
  }

  /** The canvas' width / height (the glyph's screen-space angle). */
  setAspect(aspect: number): void {
    this.material.uniforms.uAspect!.value = aspect;
  }

  /** Stale data: every aircraft drawn at a third of its brightness. */
  setDimmed(dim: boolean): void {
    this.material.uniforms.uDim!.value = dim ? 0.35 : 1;
  }

  get dimmed(): boolean {
    return this.material.uniforms.uDim!.value < 1;
  }

  /** Point size factor (zoom-dependent, see pointScaleForAltitude). */
  setPointScale(scale: number): void {
    this.material.uniforms.uPx!.value = POINT_PX * (globalThis.devicePixelRatio || 1) * scale;
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
    const fixMs = this.epochMs + this.cols.aFix[slot]! * 1000;
    return { ...deadReckon(t, (nowMs - fixMs) / 1000), track: t };
  }

  /** The visible aircraft nearest to a canvas pixel (within maxPx), not hidden behind the globe. */
  pick(camera: THREE.Camera, x: number, y: number, width: number, height: number, maxPx = 10): string | null {
    const v = new THREE.Vector3();
    const xyz = [0, 0, 0];
    const camPos = camera.position;
    const now = performance.now();
    let best: string | null = null;
    let bestD2 = maxPx * maxPx;
    for (let i = 0; i < this.table.size; i++) {
      if (this.drawn[i] !== 1) continue;
      const t = this.table.tracks[i]!;
      const p = this.predicted(t.icao24, now)!;
      geoToScene(p.lat, p.lon, relAltitude(p.altM), GLOBE_RADIUS, xyz, 0);
      v.set(xyz[0]!, xyz[1]!, xyz[2]!);
      // Facing the camera: the surface normal at the point points towards it.
      if (v.dot(camPos) - v.lengthSq() < 0) continue;
      v.project(camera);
      const sx = ((v.x + 1) / 2) * width;
      const sy = ((1 - v.y) / 2) * height;
      const d2 = (sx - x) ** 2 + (sy - y) ** 2;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = t.icao24;
      }
    }
    return best;
  }

  private put(t: Track, frameTsMs: number, receivedLocalMs: number): void {
    const slot = this.table.upsert(t, false);
    if (slot >= this.capacity) this.grow(this.capacity * 2);
    const { position, aVel, aFix } = this.cols;
    const o = slot * 3;
    // Unknown values hold still (as deadReckon does): no speed, no climb, altitude 0.
    position[o] = t.lat;
    position[o + 1] = t.lon;
    position[o + 2] = t.alt_m ?? 0;
    const moves = t.speed_ms !== null && t.track_deg !== null;
    aVel[o] = moves ? t.speed_ms! : 0;
    aVel[o + 1] = moves ? t.track_deg! : 0;
    aVel[o + 2] = t.alt_m === null ? 0 : (t.vrate_ms ?? 0);
    aFix[slot] = (fixLocalTimeMs(frameTsMs, t.ts, receivedLocalMs) - this.epochMs) / 1000;
    geoToScene(t.lat, t.lon, 0, 1, this.unit, o);
    this.rank[slot] = thinRank(t.icao24);
    const normal = emphasisOf(t) === 'normal';
    this.always[slot] = normal ? 0 : 1;
    if (normal) this.emphasised.delete(t.icao24);
    else this.emphasised.add(t.icao24);
    this.paint(slot, t);
  }

  private paint(slot: number, t: Track): void {
    const vis = this.match(t);
    this.table.setVisible(slot, vis);
    const c = trackRgb(t);
    const o = slot * 3;
    const col = this.cols.aColor;
    col[o] = c[0];
    col[o + 1] = c[1];
    col[o + 2] = c[2];
    this.cols.aSize[slot] = vis ? trackSizeFactor(t) : 0;
    this.touch(slot);
  }

  private drop(icao24: string): void {
    this.emphasised.delete(icao24);
    const m = this.table.remove(icao24);
    if (!m || m.from === m.slot) return;
    this.unit.copyWithin(m.slot * 3, m.from * 3, m.from * 3 + 3);
    this.rank[m.slot] = this.rank[m.from]!;
    this.always[m.slot] = this.always[m.from]!;
    for (const name of Object.keys(COLUMNS) as Column[]) {
      const k = COLUMNS[name];
      this.cols[name].copyWithin(m.slot * k, m.from * k, m.from * k + k);
    }
    this.touch(m.slot);
  }

  private touch(slot: number): void {
    if (slot < this.dirtyLo) this.dirtyLo = slot;
    if (slot > this.dirtyHi) this.dirtyHi = slot;
  }

  /** Uploads the written slot range (or everything) on the next render; chooses what to draw. */
  private commit(all: boolean): void {
    this.choose();
    const lo = all ? 0 : this.dirtyLo;
    const hi = all ? this.table.size - 1 : this.dirtyHi;
    this.dirtyLo = Number.POSITIVE_INFINITY;
    this.dirtyHi = -1;
    if (hi < lo) return;
    for (const name of Object.keys(COLUMNS) as Column[]) {
      const k = COLUMNS[name];
      const a = this.geometry.getAttribute(name) as THREE.BufferAttribute;
      a.clearUpdateRanges();
      a.addUpdateRange(lo * k, (hi - lo + 1) * k);
      a.needsUpdate = true;
    }
  }

  /** Writes and uploads the draw index (core/thinning.ts). */
  private choose(): void {
    const slot = this.selectedId === null ? undefined : this.table.slotOf(this.selectedId);
    const c = chooseDrawn(
      {
        size: this.table.size,
        visible: this.table.visible,
        unit: this.unit,
        always: this.always,
        rank: this.rank,
        selected: slot ?? -1,
      },
      this.view,
      this.index,
      this.drawn,
    );
    this.geometry.setDrawRange(0, c.drawn);
    const a = this.indexAttr;
    a.clearUpdateRanges();
    if (c.drawn > 0) a.addUpdateRange(0, c.drawn);
    a.needsUpdate = true;
    const changed = c.drawn !== this.choice.drawn || c.inView !== this.choice.inView;
    this.choice = c;
    if (changed) this.onChoice(c);
  }

  private grow(capacity: number): void {
    const n = this.table.size;
    for (const name of Object.keys(COLUMNS) as Column[]) {
      const k = COLUMNS[name];
      const next = new Float32Array(capacity * k);
      const prev = this.cols[name];
      if (prev) next.set(prev.subarray(0, n * k));
      this.cols[name] = next;
      // A BufferAttribute cannot be resized: a new one, uploaded whole on the next commit.
      this.geometry.setAttribute(name, new THREE.BufferAttribute(next, k).setUsage(THREE.DynamicDrawUsage));
    }
    // Per-slot columns that stay on the CPU (the index is uploaded whole below).
    this.unit = grown(this.unit, new Float32Array(capacity * 3), n * 3);
    this.rank = grown(this.rank, new Float32Array(capacity), n);
    this.always = grown(this.always, new Uint8Array(capacity), n);
    this.drawn = grown(this.drawn, new Uint8Array(capacity), n);
    this.index = grown(this.index, new Uint32Array(capacity), n);
    const index = this.index;
    this.indexAttr = new THREE.BufferAttribute(index, 1).setUsage(THREE.DynamicDrawUsage);
    this.geometry.setIndex(this.indexAttr);
    this.capacity = capacity;
    this.dirtyLo = 0;
    this.dirtyHi = Math.max(this.dirtyHi, n - 1);
  }
}

/** `next` holding the first `n` values of `prev`. */
function grown<A extends Float32Array | Uint8Array | Uint32Array>(prev: A, next: A, n: number): A {
  next.set(prev.subarray(0, n));
  return next;
}
