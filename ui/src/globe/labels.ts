import * as THREE from 'three';
import type { Track } from '../../../runtime/contract/track.ts';
import { emphasisOf } from '../core/emphasis.ts';
import { geoToScene } from '../core/geo.ts';
import { formatAlt, formatSpeed, formatVrate, labelAlt, type Units, verticalTrend } from '../core/units.ts';
import type { AircraftLayer } from './aircraft-layer.ts';
import { GLOBE_RADIUS, relAltitude } from './scale.ts';
import { viewMinDot } from './view-reach.ts';

/** Closer than this (camera altitude, globe radii) every aircraft in view may get a label. */
export const LABEL_ALTITUDE = 0.45;
/** At most this many labels at once (decluttered: none overlaps another). */
export const MAX_LABELS = 60;
/** Which aircraft are labelled is chosen this often; their positions follow every frame. */
const CHOOSE_EVERY_MS = 400;
const CELL_W = 64;
const CELL_H = 18;

/** The camera and canvas of one frame. */
export interface LabelView {
  camera: THREE.Camera;
  /** Camera altitude in globe radii. */
  altitude: number;
  selected: string | null;
  /** Canvas size, CSS px. */
  w: number;
  h: number;
  nowMs: number;
}

/**
 * Callsign + flight level next to aircraft (DOM, at most MAX_LABELS): when zoomed in, the aircraft
 * in view nearest the centre; always the selected, anomalous and emergency ones. Choosing runs a
 * few times a second: zoomed out it looks only at the selected and emphasised aircraft (the
 * layer keeps that set as deltas arrive); zoomed in it scans the visible aircraft with a dot
 * product each and projects only those within the view's reach. Each frame only moves the chosen
 * labels. Also the hover tooltip (callsign, altitude, speed, vertical trend).
 */
export class LabelLayer {
  private readonly root: HTMLDivElement;
  private readonly tooltip: HTMLDivElement;
  private readonly pool: HTMLDivElement[] = [];
  /** The transform last written to each pooled label. */
  private readonly placed: string[] = [];
  private chosen: string[] = [];
  private lastChoose = 0;
  private readonly v = new THREE.Vector3();
  private readonly xyz = [0, 0, 0];

  constructor(
    container: HTMLElement,
    private readonly aircraft: AircraftLayer,
    private readonly units: () => Units,
  ) {
    this.root = document.createElement('div');
    this.root.className = 'labels';
    this.root.dataset.testid = 'aircraft-labels';
    container.appendChild(this.root);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'hover-tooltip';
    this.tooltip.dataset.testid = 'hover-tooltip';
    this.tooltip.hidden = true;
    container.appendChild(this.tooltip);
  }

  /** Screen position of an aircraft now, or null when behind the globe or off screen. */
  screenOf(
    icao24: string,
    camera: THREE.Camera,
    w: number,
    h: number,
    nowMs: number,
  ): { x: number; y: number } | null {
    const p = this.aircraft.predicted(icao24, nowMs);
    if (!p) return null;
    geoToScene(p.lat, p.lon, relAltitude(p.altM), GLOBE_RADIUS, this.xyz, 0);
    const v = this.v.set(this.xyz[0]!, this.xyz[1]!, this.xyz[2]!);
    if (v.dot(camera.position) - v.lengthSq() < 0) return null;
    v.project(camera);
    if (v.z > 1 || Math.abs(v.x) > 1.05 || Math.abs(v.y) > 1.05) return null;
    return { x: ((v.x + 1) / 2) * w, y: ((1 - v.y) / 2) * h };
  }

  /** Each frame: choose (a few times a second) and place the labels. */
  update(view: LabelView, hidden: boolean): void {
    const { camera, w, h, nowMs } = view;
    if (hidden) {
      this.chosen = [];
      this.render([], camera, w, h, nowMs);
      return;
    }
    if (nowMs - this.lastChoose > CHOOSE_EVERY_MS) {
      this.lastChoose = nowMs;
      this.chosen = this.choose(view);
    }
    this.render(this.chosen, camera, w, h, nowMs);
  }

  private choose({ camera, altitude, selected, w, h, nowMs }: LabelView): string[] {
    const t = this.aircraft.table;
    const cands: { id: string; rank: number; x: number; y: number }[] = [];
    const consider = (tr: Track, prio: number) => {
      const s = this.screenOf(tr.icao24, camera, w, h, nowMs);
      if (!s) return;
      const centre = Math.hypot(s.x - w / 2, s.y - h / 2) / Math.hypot(w, h);
      cands.push({ id: tr.icao24, rank: prio + centre, x: s.x, y: s.y });
    };
    const prioOf = (tr: Track) => {
      const e = emphasisOf(tr);
      return tr.icao24 === selected ? 0 : e === 'emergency' ? 1 : e === 'anomaly' ? 2 : 3;
    };
    if (altitude > LABEL_ALTITUDE) {
      // Zoomed out: only the selected and emphasised aircraft, without looking at the others.
      const ids = new Set(this.aircraft.emphasised);
      if (selected !== null) ids.add(selected);
      for (const id of ids) {
        const slot = t.slotOf(id);
        if (slot !== undefined && t.visible[slot] === 1) consider(t.tracks[slot]!, prioOf(t.tracks[slot]!));
      }
    } else {
      // Zoomed in: before projecting, a dot product against the camera's position skips aircraft
      // farther from the point under the camera than the view reaches (viewMinDot); only aircraft
      // the globe draws (not thinned out) get a label.
      const c = camera.position;
      const minDot = viewMinDot(camera, altitude, w, h);
      const u = this.aircraft.unit;
      const drawn = this.aircraft.drawn;
      for (let i = 0; i < t.size; i++) {
        if (drawn[i] !== 1) continue;
        const tr = t.tracks[i]!;
        const prio = prioOf(tr);
        if (prio === 3 && u[i * 3]! * c.x + u[i * 3 + 1]! * c.y + u[i * 3 + 2]! * c.z < minDot) continue;
        consider(tr, prio);
      }
    }
    cands.sort((a, b) => a.rank - b.rank);
    const taken = new Set<number>();
    const out: string[] = [];
    for (const c of cands) {
      if (out.length >= MAX_LABELS) break;
      // A label covers about two cells right of its aircraft and one row: the rest of the aircraft
      // only get one where all of those are free; priority aircraft always do.
      const cx = Math.floor(c.x / CELL_W);
      const cy = Math.floor(c.y / CELL_H);
      const row = (cy + 1) * 4096;
      const cells = [row + cx + 1, row + cx + 2, row + cx + 3, row + cx];
      if (c.rank >= 3 && cells.some((k) => taken.has(k))) continue;
      for (const k of cells) taken.add(k);
      out.push(c.id);
    }
    return out;
  }

  private render(ids: string[], camera: THREE.Camera, w: number, h: number, nowMs: number): void {
    let n = 0;
    for (const id of ids) {
      const s = this.screenOf(id, camera, w, h, nowMs);
      const slot = this.aircraft.table.slotOf(id);
      if (!s || slot === undefined) continue;
      const tr = this.aircraft.table.tracks[slot]!;
      const el = this.pool[n] ?? this.make();
      n++;
      const text = `${tr.callsign ?? tr.icao24} ${labelAlt(tr.alt_m, tr.on_ground, this.units())}`;
      if (el.textContent !== text) el.textContent = text;
      if (el.dataset.icao24 !== id) el.dataset.icao24 = id;
      const e = emphasisOf(tr);
      const cls = `aircraft-label${e === 'normal' ? '' : ` label-${e}`}`;
      if (el.className !== cls) el.className = cls;
      // Only a changed position or visibility is written (zoomed out, an aircraft moves less than
      // a pixel a frame).
      const transform = `translate(${Math.round(s.x + 9)}px, ${Math.round(s.y - 8)}px)`;
      if (this.placed[n - 1] !== transform) {
        this.placed[n - 1] = transform;
        el.style.transform = transform;
      }
      if (el.hidden) el.hidden = false;
    }
    for (let i = n; i < this.pool.length; i++) if (!this.pool[i]!.hidden) this.pool[i]!.hidden = true;
  }

  private make(): HTMLDivElement {
    const el = document.createElement('div');
    el.className = 'aircraft-label';
    el.dataset.testid = 'aircraft-label';
    this.root.appendChild(el);
    this.pool.push(el);
    return el;
  }

  /** The hover box for an aircraft at a screen point, or hidden (null). */
  hover(t: Track | null, x: number, y: number): void {
    if (!t) {
      this.tooltip.hidden = true;
      return;
    }
    const u = this.units();
    this.tooltip.dataset.icao24 = t.icao24;
    this.tooltip.innerHTML = '';
    const head = document.createElement('b');
    head.textContent = t.callsign ?? t.icao24;
    const lines = [
      `${labelAlt(t.alt_m, t.on_ground, u)} · ${formatAlt(t.alt_m, u)}`,
      `${formatSpeed(t.speed_ms, u)} · ${verticalTrend(t.vrate_ms)} ${formatVrate(t.vrate_ms, u)}`,
    ];
    this.tooltip.append(
      head,
      ...lines.map((l) => Object.assign(document.createElement('div'), { textContent: l })),
    );
    this.tooltip.style.transform = `translate(${Math.round(x + 14)}px, ${Math.round(y + 14)}px)`;
    this.tooltip.hidden = false;
  }
}
