import Globe, { type GlobeInstance } from 'globe.gl';
import * as THREE from 'three';
import type { Topology } from 'topojson-specification';
import type { Track } from '../../../runtime/contract/track.ts';
import type { AirportFeature } from '../agent.ts';
import { cockpitPose } from '../core/cockpit.ts';
import type { FlightFilter } from '../core/filters.ts';
import { type Framing, frameTraffic } from '../core/framing.ts';
import { geoToScene } from '../core/geo.ts';
import type { TrailPoint } from '../core/profile.ts';
import type { Units } from '../core/units.ts';
import type { ViewState } from '../core/visible-bbox.ts';
import { AircraftLayer } from './aircraft-layer.ts';
import { LabelLayer } from './labels.ts';
import { GLOBE_RADIUS, pointScaleForAltitude, relAltitude } from './scale.ts';
import { airportPoints, countryBorders } from './static-layers.ts';
import { viewMinDot } from './view-reach.ts';

// Shipped with the build (Vite copies and hashes them): nothing is fetched from outside at run time.
const EARTH_URL = new URL('../../../node_modules/three-globe/example/img/earth-dark.jpg', import.meta.url)
  .href;
const COUNTRIES_URL = new URL('../../../node_modules/world-atlas/countries-110m.json', import.meta.url).href;

export interface GlobeViewEvents {
  /** The camera moved (user or code); the caller debounces. */
  onView(v: ViewState): void;
  /** The user clicked an aircraft. */
  onPick(icao24: string): void;
  /** The user took the camera back (drag, wheel) while in the cockpit view (Escape: app.ts). */
  onLeaveCockpit(): void;
  /** Following the selected aircraft stopped (the user dragged the globe). */
  onFollowEnd(): void;
  /** Display units for labels and the hover box. */
  units(): Units;
  /** The globe now draws `drawn` of the `inView` aircraft in view (fewer when thinned). */
  onDrawn?(drawn: number, inView: number): void;
}

/** The camera never comes closer to the surface than this (globe radii: ~130 km). */
export const MIN_CAMERA_ALTITUDE = 0.02;
const BACKGROUND = '#02040a';
/** The cockpit view's sky, so the horizon shows against it. */
const SKY = '#16365c';
/** The pointer picks its hover aircraft at most this often (the frame picks what came sooner). */
const HOVER_PICK_EVERY_MS = 16;

/** The globe and its layers. Knows three.js and globe.gl; knows nothing of the network. */
export class GlobeView {
  readonly globe: GlobeInstance;
  readonly aircraft: AircraftLayer;
  private readonly marker: THREE.Points;
  private cockpitOf: string | null = null;
  private followOf: string | null = null;
  /** A view was set by code (a deep link, a fly-to) before the traffic was framed. */
  private viewChosen = false;
  /** The view that frames the traffic (the first view, and Home). */
  homeView: Framing | null = null;
  readonly labels: LabelLayer;
  private pointer: { x: number; y: number } | null = null;
  private pointerMoved = false;
  private lastPickMs = Number.NEGATIVE_INFINITY;
  private frameTimes: number[] = [];
  /** Frames drawn since start (monotonic, unlike the trimmed frameTimes). */
  frameCount = 0;
  private lastFrame = 0;

  constructor(
    el: HTMLElement,
    filter: FlightFilter,
    private readonly events: GlobeViewEvents,
  ) {
    this.globe = new Globe(el, { rendererConfig: { antialias: false, powerPreference: 'high-performance' } })
      // Unlit: Phong lighting per pixel of a full-screen sphere is costly in software WebGL.
      .globeMaterial(new THREE.MeshBasicMaterial())
      .globeImageUrl(EARTH_URL)
      .backgroundColor(BACKGROUND)
      // The atmosphere is a full-screen transparent shell: measured at ~40 % of the frame time under
      // software WebGL (SwiftShader), for a halo. Left off.
      .showAtmosphere(false)
      // globe.gl's own hover tracking raycasts the whole scene (the globe's triangles, borders,
      // airports) every 50 ms whether or not the pointer moves: picking and hover are ours
      // (AircraftLayer.pick), so it is off.
      .enablePointerInteraction(false)
      .pathPoints((d) => d as unknown as TrailPoint[])
      .pathPointLat((p) => (p as TrailPoint)[1])
      .pathPointLng((p) => (p as TrailPoint)[2])
      .pathPointAlt((p) => relAltitude((p as TrailPoint)[3]))
      .pathColor((d: object) => (d === this.eventTrail ? '#ff9a3c' : '#ffffff'))
      .htmlLat((d) => (d as { lat: number }).lat)
      .htmlLng((d) => (d as { lon: number }).lon)
      .htmlAltitude((d) => relAltitude((d as { altM: number | null }).altM))
      .htmlElement((d) => {
        const el = document.createElement('div');
        el.className = 'event-pin';
        el.dataset.testid = 'event-pin';
        el.textContent = `📍 ${(d as { label: string }).label}`;
        return el;
      })
      .pathStroke(2)
      .pathTransitionDuration(0)
      .onZoom(() => this.emitView())
      .pointOfView({ lat: 40.7, lng: -74, altitude: 1.2 }, 0);

    this.aircraft = new AircraftLayer(filter);
    this.aircraft.onChoice = (c) => this.events.onDrawn?.(c.drawn, c.inView);
    this.globe.scene().add(this.aircraft.points);
    this.labels = new LabelLayer(el, this.aircraft, events.units);
    // No zooming into the surface: the orbit controls stop at MIN_CAMERA_ALTITUDE.
    (this.globe.controls() as unknown as { minDistance: number }).minDistance =
      GLOBE_RADIUS * (1 + MIN_CAMERA_ALTITUDE);
    this.marker = makeMarker();
    this.globe.scene().add(this.marker);

    void fetch(COUNTRIES_URL)
      .then((r) => r.json())
      .then((topo: Topology) => this.globe.scene().add(countryBorders(topo)));

    const canvas = this.globe.renderer().domElement;
    canvas.addEventListener('click', (ev) => {
      const rect = canvas.getBoundingClientRect();
      const id = this.aircraft.pick(
        this.globe.camera(),
        ev.clientX - rect.left,
        ev.clientY - rect.top,
        rect.width,
        rect.height,
      );
      if (id) this.events.onPick(id);
    });
    // Any direct camera gesture ends the cockpit view; a drag ends following.
    for (const type of ['pointerdown', 'wheel'] as const)
      canvas.addEventListener(type, () => this.cockpitOf && this.events.onLeaveCockpit(), { passive: true });
    canvas.addEventListener('pointerdown', () => this.followOf && this.events.onFollowEnd(), {
      passive: true,
    });
    // Hover: the nearest aircraft under the pointer, picked as the pointer moves (at most every
    // HOVER_PICK_EVERY_MS: the hover box does not wait for a slow frame), and at the next frame
    // for a move that came sooner.
    canvas.addEventListener(
      'pointermove',
      (ev) => {
        const rect = canvas.getBoundingClientRect();
        this.pointer = { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
        this.pointerMoved = true;
        if (performance.now() - this.lastPickMs >= HOVER_PICK_EVERY_MS) this.pickHover();
      },
      { passive: true },
    );
    canvas.addEventListener('pointerleave', () => {
      this.pointer = null;
      this.pointerMoved = true;
    });
    window.addEventListener('resize', () => this.resize(el));
    this.resize(el);
    requestAnimationFrame(this.tick);
  }

  private resize(el: HTMLElement): void {
    this.globe.width(el.clientWidth).height(el.clientHeight);
    this.aircraft.setAspect(el.clientWidth / Math.max(1, el.clientHeight));
    this.emitView();
  }

  private readonly tick = (now: number) => {
    if (this.lastFrame) {
      this.frameCount++;
      this.frameTimes.push(now - this.lastFrame);
      if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
    }
    this.lastFrame = now;
    this.followCockpit(now);
    this.follow(now);
    this.updateMarker(now);
    const canvas = this.globe.renderer().domElement;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const cam = this.globe.camera();
    this.updateDrawView(cam, w, h);
    this.labels.update(
      { camera: cam, altitude: this.globe.pointOfView().altitude, selected: this.selected, w, h, nowMs: now },
      this.cockpitOf !== null,
    );
    if (this.pointerMoved) this.pickHover();
    requestAnimationFrame(this.tick);
  };

  private lastDrawView = '';

  /**
   * When the camera or the canvas changed: which aircraft are in view (the aircraft layer draws
   * those, thinned to its budget). The cockpit view looks at the horizon: everything.
   */
  private updateDrawView(cam: THREE.Camera, w: number, h: number): void {
    const p = cam.position;
    const key = this.cockpitOf
      ? `cockpit|${w}|${h}`
      : `${p.x.toFixed(3)}|${p.y.toFixed(3)}|${p.z.toFixed(3)}|${w}|${h}`;
    if (key === this.lastDrawView) return;
    this.lastDrawView = key;
    const altitude = Math.hypot(p.x, p.y, p.z) / GLOBE_RADIUS - 1;
    this.aircraft.setView({
      cx: p.x,
      cy: p.y,
      cz: p.z,
      minDot: this.cockpitOf ? Number.NEGATIVE_INFINITY : viewMinDot(cam, altitude, w, h),
    });
  }

  /** The hover box for the aircraft nearest the pointer (within 12 px), or none. */
  private pickHover(): void {
    this.pointerMoved = false;
    this.lastPickMs = performance.now();
    const canvas = this.globe.renderer().domElement;
    const p = this.pointer;
    const id = p
      ? this.aircraft.pick(this.globe.camera(), p.x, p.y, canvas.clientWidth, canvas.clientHeight, 12)
      : null;
    const slot = id === null ? undefined : this.aircraft.table.slotOf(id);
    this.labels.hover(slot === undefined ? null : this.aircraft.table.tracks[slot]!, p?.x ?? 0, p?.y ?? 0);
  }

  /** Frames the traffic (Home); `moveCamera` points the camera there too (the first view). */
  frameTraffic(points: readonly { lat: number; lon: number }[], moveCamera: boolean): void {
    const cam = this.globe.camera() as THREE.PerspectiveCamera;
    const f = frameTraffic(points, cam.fov, cam.aspect);
    if (!f) return;
    this.homeView = f;
    // Not over a view the code already chose (a deep link's camera, a selected aircraft).
    if (moveCamera && !this.viewChosen)
      this.globe.pointOfView({ lat: f.lat, lng: f.lon, altitude: f.altitude }, 0);
  }

  /** Home (H): back to the view that frames the traffic. */
  home(): void {
    const f = this.homeView;
    if (!f || this.cockpitOf) return;
    this.globe.pointOfView({ lat: f.lat, lng: f.lon, altitude: f.altitude }, 800);
  }

  /** Follow (F): keep the selected aircraft in the middle, at the current zoom. */
  setFollow(icao24: string | null): void {
    this.followOf = icao24;
  }

  private follow(now: number): void {
    if (!this.followOf || this.cockpitOf) return;
    const p = this.aircraft.predicted(this.followOf, now);
    if (!p) return;
    const pov = this.globe.pointOfView();
    if (Math.abs(pov.lat - p.lat) + Math.abs(pov.lng - p.lon) < 1e-4) return;
    this.globe.pointOfView({ lat: p.lat, lng: p.lon, altitude: pov.altitude }, 0);
  }

  view(): ViewState {
    const pov = this.globe.pointOfView();
    const cam = this.globe.camera() as THREE.PerspectiveCamera;
    return { lat: pov.lat, lon: pov.lng, altitude: pov.altitude, fovDeg: cam.fov, aspect: cam.aspect };
  }

  private emitView(): void {
    if (this.cockpitOf) return;
    const v = this.view();
    this.aircraft?.setPointScale(pointScaleForAltitude(v.altitude));
    this.events.onView(v);
  }

  setAirports(airports: AirportFeature[]): void {
    this.globe.scene().add(airportPoints(airports));
  }

  private trail: TrailPoint[] | null = null;
  private eventTrail: TrailPoint[] | null = null;

  setTrail(trail: TrailPoint[] | null): void {
    this.trail = trail && trail.length > 1 ? trail : null;
    this.drawPaths();
  }

  /** An event card's trail (orange), drawn beside the selected aircraft's (white). */
  setEventTrail(trail: TrailPoint[] | null): void {
    this.eventTrail = trail && trail.length > 1 ? trail : null;
    this.drawPaths();
  }

  private drawPaths(): void {
    this.globe.pathsData([this.trail, this.eventTrail].filter((t) => t !== null));
  }

  /** A pin (an HTML element over the globe) where an event card's aircraft was last seen. */
  setPin(pin: { lat: number; lon: number; altM: number | null; label: string } | null): void {
    this.globe.htmlElementsData(pin ? [pin] : []);
  }

  /** Moves the camera to a framing (globe.gl altitude in globe radii) over `ms`. */
  frame(f: { lat: number; lon: number; altitude: number }, ms = 1200): void {
    this.viewChosen = true;
    this.globe.pointOfView({ lat: f.lat, lng: f.lon, altitude: f.altitude }, ms);
  }

  private selectedId: string | null = null;

  /** The selected aircraft (ringed, labelled, always drawn). */
  get selected(): string | null {
    return this.selectedId;
  }

  set selected(icao24: string | null) {
    this.selectedId = icao24;
    this.aircraft.setSelected(icao24);
  }

  flyTo(lat: number, lon: number, altitude = 0.25): void {
    this.viewChosen = true;
    this.globe.pointOfView({ lat, lng: lon, altitude }, 1200);
  }

  enterCockpit(icao24: string): void {
    this.cockpitOf = icao24;
    this.globe.controls().enabled = false;
    this.globe.backgroundColor(SKY);
    this.aircraft.setPointScale(1);
  }

  leaveCockpit(): void {
    if (!this.cockpitOf) return;
    const p = this.aircraft.predicted(this.cockpitOf, performance.now());
    this.cockpitOf = null;
    this.globe.backgroundColor(BACKGROUND);
    const cam = this.globe.camera();
    cam.up.set(0, 1, 0);
    const controls = this.globe.controls();
    controls.target.set(0, 0, 0);
    controls.enabled = true;
    if (p) this.globe.pointOfView({ lat: p.lat, lng: p.lon, altitude: 0.3 }, 0);
    this.emitView();
  }

  /** Behind and above the aircraft along its track, looking a little ahead of it. */
  private followCockpit(now: number): void {
    if (!this.cockpitOf) return;
    const p = this.aircraft.predicted(this.cockpitOf, now);
    if (!p) return;
    const pose = cockpitPose(p.lat, p.lon, p.altM, p.track.track_deg);
    const cam = this.globe.camera();
    const a = [0, 0, 0];
    const b = [0, 0, 0];
    geoToScene(pose.camera.lat, pose.camera.lon, relAltitude(pose.camera.altM), GLOBE_RADIUS, a, 0);
    geoToScene(pose.target.lat, pose.target.lon, relAltitude(pose.target.altM), GLOBE_RADIUS, b, 0);
    cam.position.set(a[0]!, a[1]!, a[2]!);
    // "Up" is away from the earth's centre at the camera, so the horizon stays level.
    cam.up.set(a[0]!, a[1]!, a[2]!).normalize();
    cam.lookAt(b[0]!, b[1]!, b[2]!);
  }

  private updateMarker(now: number): void {
    const p = this.selected ? this.aircraft.predicted(this.selected, now) : null;
    this.marker.visible = p !== null;
    if (!p) return;
    const attr = this.marker.geometry.getAttribute('position') as THREE.BufferAttribute;
    geoToScene(p.lat, p.lon, relAltitude(p.altM), GLOBE_RADIUS, attr.array as Float32Array, 0);
    attr.needsUpdate = true;
  }

  cameraPosition(): { x: number; y: number; z: number } {
    const c = this.globe.camera().position;
    return { x: c.x, y: c.y, z: c.z };
  }

  /** Intervals between the last n animation frames, ms. */
  frameIntervals(n = 600): number[] {
    return this.frameTimes.slice(-n);
  }

  applySnapshot(tracks: readonly Track[], frameTs: number, at: number): void {
    this.aircraft.reset(tracks, frameTs, at);
  }
}

/** A ring drawn around the selected aircraft. */
function makeMarker(): THREE.Points {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(3), 3));
  const m = new THREE.ShaderMaterial({
    vertexShader: `void main(){ gl_Position = projectionMatrix * modelViewMatrix * vec4(position,1.0); gl_PointSize = ${(
      22 * (globalThis.devicePixelRatio || 1)
    ).toFixed(1)}; }`,
    fragmentShader: `void main(){ float d = length(gl_PointCoord - 0.5); if (d > 0.5 || d < 0.38) discard; gl_FragColor = vec4(1.0); }`,
    depthTest: false,
    transparent: true,
  });
  const p = new THREE.Points(g, m);
  p.frustumCulled = false;
  p.renderOrder = 10;
  return p;
}
