import { createEffect, createMemo, createSignal, on } from 'solid-js';
import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import type { BBox, ServerFrame } from '../../runtime/contract/protocol.ts';
import { type Agent, createAgent, defaultEndpoints } from './agent.ts';
import { createAlertSync } from './alert-sync.ts';
import { criticalAlerts } from './core/alert-triage.ts';
import type { FeedEvent } from './core/anomaly-feed.ts';
import { matchesFilter } from './core/filters.ts';
import { applyDelta, applySnapshot, invalidate } from './core/flight-store.ts';
import { staleSeconds } from './core/staleness.ts';
import { bboxChanged, visibleBBox } from './core/visible-bbox.ts';
import { GlobeView } from './globe/globe-view.ts';
import { createAnomalySlice } from './state/anomalies.ts';
import { createConnectionSlice } from './state/connection.ts';
import { createFilterSlice } from './state/filters.ts';
import { createFlightsSlice } from './state/flights.ts';
import { createSelectionSlice } from './state/selection.ts';
import { createUnitsSlice } from './state/units.ts';

/** The camera settles for this long before the subscription follows it. */
const SUBSCRIBE_DEBOUNCE_MS = 400;
/** The trail on the globe is redrawn at most this often while the aircraft moves. */
const TRAIL_REDRAW_MS = 1000;
/** How often staleness is checked. */
const STALE_CHECK_MS = 250;

export interface DeltaStat {
  /** Server deltas merged into this batch by the feed worker. */
  merged: number;
  upserts: number;
  removes: number;
  parseMs: number;
  applyMs: number;
}

/** Wires slices, agent and globe together. Runs once, inside a Solid root. */
export function createApp(globeEl: HTMLElement) {
  const connection = createConnectionSlice();
  const filters = createFilterSlice();
  const flights = createFlightsSlice();
  const selection = createSelectionSlice();
  const anomalies = createAnomalySlice();
  const units = createUnitsSlice();
  const [following, setFollowing] = createSignal(false);
  let framed = false;
  const deltaStats: DeltaStat[] = [];
  let subscribed: BBox | null = null;
  let subscribeTimer: ReturnType<typeof setTimeout> | null = null;
  let lastTrailDraw = 0;
  /** performance.now() of the last snapshot or delta (null before the first). */
  let lastFrameAt: number | null = null;

  const globe = new GlobeView(globeEl, filters.snapshot(), {
    onView: (v) => {
      if (subscribeTimer) clearTimeout(subscribeTimer);
      subscribeTimer = setTimeout(() => {
        const bbox = visibleBBox(v);
        if (!bboxChanged(bbox, subscribed)) return;
        subscribed = bbox;
        agent.subscribe(bbox);
      }, SUBSCRIBE_DEBOUNCE_MS);
    },
    onPick: (id) => select(id),
    onLeaveCockpit: () => setCockpit(false),
    onFollowEnd: () => setFollow(false),
    units: units.units,
    onDrawn: (d, inView) => flights.setDrawn(d, inView),
  });

  const publishCounts = () =>
    flights.setCounts(flights.store.flights.size, globe.aircraft.visibleCount, flights.store.ts);

  const onFrame = (
    frame: ServerFrame & { fromSeq?: number },
    at: number,
    parseMs: number,
    merged: number,
  ) => {
    switch (frame.type) {
      case 'hello':
        // A playback socket's hello (docs/edge.md) says nothing about the live alert stream.
        if ((frame as { mode?: string }).mode !== 'playback') alerts.hello(frame.instance);
        return;
      case 'snapshot': {
        lastFrameAt = performance.now();
        applySnapshot(flights.store, frame);
        globe.applySnapshot(frame.flights, frame.ts, at);
        // The first view frames the traffic (Home goes back to it).
        if (!framed && frame.flights.length > 0) {
          framed = true;
          globe.frameTraffic(frame.flights, selection.state.icao24 === null);
        }
        connection.live();
        connection.seq(frame.seq);
        publishCounts();
        refreshSelected();
        return;
      }
      case 'delta': {
        const t0 = performance.now();
        lastFrameAt = t0;
        const r = applyDelta(flights.store, frame);
        if (r.kind === 'gap') {
          connection.resyncing();
          agent.resync();
          return;
        }
        if (r.kind === 'ignored') return;
        globe.aircraft.apply(r.upserts, r.removes, frame.ts, at);
        publishCounts();
        connection.seq(frame.seq);
        const id = selection.state.icao24;
        if (id) {
          const t = r.upserts.find((u) => u.icao24 === id);
          if (t) selection.update(t);
          else if (r.removes.includes(id)) selection.gone();
          if (t && performance.now() - lastTrailDraw > TRAIL_REDRAW_MS) {
            lastTrailDraw = performance.now();
            globe.setTrail(selection.state.trail);
          }
        }
        deltaStats.push({
          merged,
          upserts: frame.upserts.length,
          removes: frame.removes.length,
          parseMs,
          applyMs: performance.now() - t0,
        });
        if (deltaStats.length > 2000) deltaStats.splice(0, 1000);
        return;
      }
      case 'anomaly':
        alerts.event(frame.event, frame.cursor);
        return;
      case 'error':
        console.warn(`skysentinel: edge says: ${frame.message}`);
        return;
      default:
        // Frames outside the live protocol (the playback status): investigate/ handles them.
        hooks.onOtherFrame(frame as unknown as { type: string });
    }
  };
  const hooks = {
    onOtherFrame: (_frame: { type: string }) => {},
    /** Clicking an alert; investigate/ replaces it with the event card. */
    onAlert: (e: AnomalyEvent) => {
      globe.flyTo(e.lat, e.lon, 0.2);
      select(e.icao24);
    },
  };

  const alerts = createAlertSync({
    backlog: (after, limit) => agent.backlog(after, limit),
    recent: (limit) => agent.anomalies(limit),
    merge: anomalies.merge,
    resolveOrphans: anomalies.resolveOrphans,
    warn: (m) => console.warn(`skysentinel: ${m}`),
  });

  const agent: Agent = createAgent(defaultEndpoints(window.location), {
    onOpen: () => {
      // A new connection starts with a snapshot; until then old deltas must not apply.
      invalidate(flights.store);
      connection.connecting();
    },
    onFrame,
    onResync: () => connection.resyncing(),
    onClose: (attempt, retryInMs) => {
      invalidate(flights.store);
      connection.reconnecting(attempt + 1, retryInMs);
    },
  });

  function refreshSelected() {
    const id = selection.state.icao24;
    if (!id) return;
    const t = flights.store.flights.get(id);
    if (t) selection.update(t);
  }

  function select(icao24: string) {
    const id = icao24.toLowerCase();
    if (selection.state.cockpit) setCockpit(false);
    if (following()) setFollow(false);
    selection.select(id, flights.store.flights.get(id) ?? null);
    globe.selected = id;
    globe.setTrail(null);
    const p = globe.aircraft.predicted(id, performance.now());
    if (p) globe.flyTo(p.lat, p.lon, Math.min(globe.view().altitude, 0.35));
    agent
      .flightDetail(id)
      .then((d) => {
        if (selection.state.icao24 !== id) return;
        if (!d) return selection.failed('unknown aircraft');
        selection.loaded(d.flight, d.trail);
        lastTrailDraw = performance.now();
        globe.setTrail(d.trail);
      })
      .catch((e: unknown) => selection.failed(String(e)));
  }

  /** Follow (F): the camera keeps the selected aircraft in the middle; apart from the cockpit view. */
  function setFollow(on: boolean) {
    const id = selection.state.icao24;
    const follow = on && id !== null && !selection.state.cockpit;
    setFollowing(follow);
    globe.setFollow(follow ? id : null);
  }

  function clearSelection() {
    setFollow(false);
    setCockpit(false);
    selection.clear();
    globe.selected = null;
    globe.setTrail(null);
  }

  function setCockpit(on: boolean) {
    const id = selection.state.icao24;
    if (on && id && flights.store.flights.has(id)) {
      setFollow(false);
      selection.setCockpit(true);
      globe.enterCockpit(id);
    } else if (!on && selection.state.cockpit) {
      selection.setCockpit(false);
      globe.leaveCockpit();
    }
  }

  /** Enter in the search box: select the first aircraft that matches the filters. */
  function selectFirstMatch() {
    const f = filters.snapshot();
    for (const t of flights.store.flights.values()) if (matchesFilter(t, f)) return select(t.icao24);
  }

  createEffect(
    on(
      () => [
        filters.state.altMinM,
        filters.state.altMaxM,
        filters.state.showOnGround,
        filters.state.query,
        filters.state.anomaliesOnly,
      ],
      () => {
        globe.aircraft.setFilter(filters.snapshot());
        publishCounts();
      },
      { defer: true },
    ),
  );

  // Stale data: no frame for a few seconds dims the aircraft, shows a banner and greys the panel.
  setInterval(() => {
    const s = staleSeconds(performance.now(), lastFrameAt);
    if (s !== connection.staleForS()) {
      connection.setStaleForS(s);
      globe.aircraft.setDimmed(s > 0);
      document.documentElement.classList.toggle('stale', s > 0);
    }
  }, STALE_CHECK_MS);

  const critical = createMemo(() => criticalAlerts(anomalies.state.feed, anomalies.acked()));
  // The page title counts open, unacknowledged alerts (a critical one puts a mark in front).
  createEffect(() => {
    const acked = anomalies.acked();
    const open = anomalies.state.feed.filter((e) => e.phase === 'open' && !acked.has(e.id)).length;
    const mark = critical().length > 0 ? '⚠ ' : '';
    document.title = open > 0 ? `${mark}(${open}) SkySentinel` : 'SkySentinel';
  });
  // Optional sound: a short tone when a new critical alert appears.
  const heard = new Set<string>();
  createEffect(() => {
    const fresh = critical().filter((e) => !heard.has(e.id));
    for (const e of fresh) heard.add(e.id);
    if (fresh.length > 0 && anomalies.sound()) beep();
  });

  /** Clicking an alert: investigate/ replaces hooks.onAlert with its event card. */
  function openAlert(e: FeedEvent) {
    hooks.onAlert(e);
  }

  window.addEventListener('keydown', (ev) => {
    const target = ev.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT')) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    // One Esc does one thing: leave the cockpit view, or else deselect.
    if (ev.key === 'Escape') {
      if (selection.state.cockpit) setCockpit(false);
      else if (selection.state.icao24) clearSelection();
    } else if (ev.key === 'h' || ev.key === 'H') globe.home();
    else if (ev.key === 'f' || ev.key === 'F') setFollow(!following());
  });

  agent.connect();
  agent
    .airports()
    .then((a) => globe.setAirports(a))
    .catch((e: unknown) => console.warn(`skysentinel: airports not loaded: ${String(e)}`));

  // Read-only hook for tests and the benchmark: counts, camera, subscription, timings.
  (window as unknown as { __skysentinel: unknown }).__skysentinel = {
    visibleCount: () => globe.aircraft.visibleCount,
    /** Aircraft the globe draws of those in view (fewer when thinned). */
    drawn: () => globe.aircraft.choice,
    /** Whether the globe draws this aircraft now (in view and not thinned out). */
    isDrawn: (icao24: string) => {
      const slot = globe.aircraft.table.slotOf(icao24);
      return slot !== undefined && globe.aircraft.drawn[slot] === 1;
    },
    /** Aircraft drawn with emphasis (emergency squawk or open anomaly). */
    emphasised: () => [...globe.aircraft.emphasised],
    dimmed: () => globe.aircraft.dimmed,
    pointOfView: () => globe.globe.pointOfView(),
    homeView: () => globe.homeView,
    cameraDistance: () => {
      const c = globe.globe.camera().position;
      return Math.hypot(c.x, c.y, c.z);
    },
    /** Where an aircraft is on the canvas now (CSS px), or null. */
    screenOf: (icao24: string) => {
      const c = globe.globe.renderer().domElement;
      return globe.labels.screenOf(
        icao24,
        globe.globe.camera(),
        c.clientWidth,
        c.clientHeight,
        performance.now(),
      );
    },
    setView: (lat: number, lon: number, altitude: number) =>
      globe.globe.pointOfView({ lat, lng: lon, altitude }, 0),
    totalCount: () => flights.store.flights.size,
    seq: () => flights.store.seq,
    frameTs: () => flights.store.ts,
    subscribedBBox: () => subscribed,
    cameraPosition: () => globe.cameraPosition(),
    select,
    frameIntervals: (n?: number) => globe.frameIntervals(n),
    frameCount: () => globe.frameCount,
    deltaStats: () => deltaStats.slice(),
    alertCursor: () => ({ instance: alerts.sync.instance, cursor: alerts.sync.cursor }),
    alertFeed: () => anomalies.state.feed.map((e) => ({ id: e.id, phase: e.phase, orphaned: !!e.orphaned })),
    alertsIdle: () => alerts.idle(),
  };

  return {
    connection,
    filters,
    flights,
    selection,
    anomalies,
    units,
    critical,
    following,
    actions: {
      select,
      clearSelection,
      setCockpit,
      setFollow,
      selectFirstMatch,
      openAlert,
      home: () => globe.home(),
      flyTo: globe.flyTo.bind(globe),
    },
    // For investigate/ (event cards, playback, table, deep links).
    globe,
    agent,
    hooks,
    subscribedBBox: () => subscribed,
  };
}
export type App = ReturnType<typeof createApp>;

/** A short two-tone alert (Web Audio; nothing to download). */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.setValueAtTime(880, ctx.currentTime);
    osc.frequency.setValueAtTime(660, ctx.currentTime + 0.15);
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
    osc.onended = () => void ctx.close();
  } catch {
    // No audio here (autoplay policy or no device): the banner still shows.
  }
}
