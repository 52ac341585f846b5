import { createEffect, on, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import type { Track } from '../../../runtime/contract/track.ts';
import { defaultEndpoints } from '../agent.ts';
import type { App } from '../app.ts';
import { compileFilter } from '../core/filters.ts';
import { visibleBBox } from '../core/visible-bbox.ts';
import { inBox, type Sort, sortTracks, TABLE_MAX_ROWS } from './aircraft-table.ts';
import type { EventDetail, PlaybackInfo, PlaybackStatusFrame } from './api-types.ts';
import { framingFor } from './frame-trail.ts';
import { formatUrlState, parseUrlState, type UrlState } from './url-state.ts';

/** Playback opens on the last hour by default. */
export const PLAYBACK_DEFAULT_SPAN_MS = 3_600_000;
export const PLAYBACK_DEFAULT_SPEED = 10;
const TABLE_REFRESH_MS = 1000;
const URL_REFRESH_MS = 1000;

export interface CardState {
  id: string | null;
  loading: boolean;
  error: string | null;
  detail: EventDetail | null;
}

export interface PlaybackState {
  info: PlaybackInfo | null;
  mode: 'live' | 'playback';
  from: number;
  to: number;
  status: PlaybackStatusFrame | null;
}

export interface TableState {
  open: boolean;
  inView: boolean;
  sort: Sort;
  rows: Track[];
  /** Aircraft passing the filters (rows are the first TABLE_MAX_ROWS of them). */
  matching: number;
}

/**
 * Event cards, playback, the aircraft table and deep links, wired into the app through its
 * hooks (alert clicks, frames outside the live protocol) and its globe and agent.
 */
export function createInvestigate(app: App) {
  const [card, setCard] = createStore<CardState>({ id: null, loading: false, error: null, detail: null });
  const [playback, setPlayback] = createStore<PlaybackState>({
    info: null,
    mode: 'live',
    from: 0,
    to: 0,
    status: null,
  });
  const [table, setTable] = createStore<TableState>({
    open: false,
    inView: false,
    sort: { key: 'alt', desc: true },
    rows: [],
    matching: 0,
  });
  // The page's display units (state/units.ts) in the URL's words: a link carries them both ways.
  const units = (): 'metric' | 'imperial' => (app.units.units() === 'metric' ? 'metric' : 'imperial');
  const setUnits = (u: 'metric' | 'imperial' | null) => {
    if (u) app.units.setUnits(u === 'metric' ? 'metric' : 'aviation');
  };
  const live = defaultEndpoints(window.location).wsUrl;

  // --- event cards ---
  async function openAlert(e: AnomalyEvent) {
    setCard({ id: e.id, loading: true, error: null, detail: null });
    app.globe.flyTo(e.lat, e.lon, 0.2);
    let d: EventDetail | null;
    try {
      d = await app.agent.eventDetail(e.id);
    } catch (err) {
      if (card.id === e.id) setCard({ loading: false, error: String(err) });
      return;
    }
    if (card.id !== e.id) return;
    if (d === null) return setCard({ loading: false, error: 'this event is no longer kept' });
    setCard({ loading: false, detail: d });
    // Select only an aircraft the edge still has (GET /flights/{icao24} of a gone one is a 404).
    if (d.on_board || app.flights.store.flights.has(e.icao24)) app.actions.select(e.icao24);
    const at = d.last ?? { lat: e.lat, lon: e.lon, alt_m: e.alt_m };
    app.globe.setEventTrail(d.trail.points);
    app.globe.setPin({ lat: at.lat, lon: at.lon, altM: at.alt_m, label: e.callsign ?? e.icao24 });
    const f = framingFor(d.trail.points, at);
    if (f) app.globe.frame(f);
  }

  function closeCard() {
    setCard({ id: null, loading: false, error: null, detail: null });
    app.globe.setEventTrail(null);
    app.globe.setPin(null);
  }

  app.hooks.onAlert = (e) => void openAlert(e);

  // --- playback ---
  app.hooks.onOtherFrame = (f) => {
    if (f.type === 'playback' && playback.mode === 'playback')
      setPlayback('status', f as PlaybackStatusFrame);
  };

  function playbackUrl(fromMs: number, toMs: number, atMs: number, speed: number): string {
    const u = new URL(live);
    u.pathname = u.pathname.replace(/\/ws\/flights$/, '/ws/playback');
    u.searchParams.set('from', String(Math.round(fromMs)));
    u.searchParams.set('to', String(Math.round(toMs)));
    u.searchParams.set('at', String(Math.round(atMs)));
    u.searchParams.set('speed', String(speed));
    return u.toString();
  }

  /** Plays the last hour (or the hour around `atMs`) from `atMs` (default its start). */
  function startPlayback(atMs?: number, speed = PLAYBACK_DEFAULT_SPEED) {
    if (!playback.info?.available) return;
    const now = Date.now();
    const to =
      atMs !== undefined && atMs < now - PLAYBACK_DEFAULT_SPAN_MS ? atMs + PLAYBACK_DEFAULT_SPAN_MS / 2 : now;
    const from = to - PLAYBACK_DEFAULT_SPAN_MS;
    const at = Math.min(to, Math.max(from, atMs ?? from));
    setPlayback({ mode: 'playback', from, to, status: null });
    app.agent.switchTo(playbackUrl(from, to, at, speed));
  }

  const control = (message: object) => {
    if (playback.mode === 'playback') app.agent.send(message);
  };

  function backToLive() {
    if (playback.mode === 'live') return;
    setPlayback({ mode: 'live', status: null });
    app.agent.switchTo(live);
    // The live hello makes the alert feed catch up on what it missed (app.ts, alerts.hello).
  }

  /** The time the globe shows: the last frame's playback time (or the status while paused). */
  const playbackAt = (): number | null => {
    if (playback.mode !== 'playback') return null;
    const s = playback.status;
    const frameTs = app.flights.lastTs();
    if (s?.paused || s?.ended) return s.at;
    return Math.max(frameTs, s?.at ?? 0) || s?.at || null;
  };

  // --- aircraft table ---
  /** While the pointer is over the table its rows hold still (a row does not move under a click). */
  let tableHeld = false;
  function refreshTable() {
    if (!table.open || tableHeld) return;
    const match = compileFilter(app.filters.snapshot());
    const box = table.inView ? visibleBBox(app.globe.view()) : null;
    const passing: Track[] = [];
    for (const t of app.flights.store.flights.values())
      if (match(t) && (box === null || inBox(box, t.lon, t.lat))) passing.push(t);
    const nowMs = playback.mode === 'playback' ? (playbackAt() ?? Date.now()) : Date.now();
    // Keyed by icao24: an aircraft keeps its row (and DOM node) from one refresh to the next.
    setTable(
      'rows',
      reconcile(sortTracks(passing, table.sort, nowMs).slice(0, TABLE_MAX_ROWS), { key: 'icao24' }),
    );
    setTable('matching', passing.length);
  }
  const tableTimer = setInterval(refreshTable, TABLE_REFRESH_MS);
  createEffect(
    on([() => table.open, () => table.inView, () => table.sort.key, () => table.sort.desc], () => {
      tableHeld = false;
      refreshTable();
    }),
  );

  // --- deep links ---
  const initial: UrlState = parseUrlState(window.location.search);
  applyUrlState(initial);

  function applyUrlState(s: UrlState) {
    if (s.camera) app.globe.frame({ lat: s.camera.lat, lon: s.camera.lon, altitude: s.camera.alt }, 0);
    const f = s.filter;
    app.filters.setAltRange(f.altMinM, f.altMaxM);
    app.filters.setShowOnGround(f.showOnGround);
    app.filters.setQuery(f.query);
    app.filters.setAnomaliesOnly(f.anomaliesOnly);
    setUnits(s.units);
    if (s.icao) {
      const id = s.icao;
      app.actions.select(id);
      // Without a camera in the link, go to the aircraft once its position is known.
      if (!s.camera) {
        createEffect(
          on(
            () => app.selection.state.flight,
            (t) => {
              if (t && t.icao24 === id && !flown) {
                flown = true;
                app.globe.flyTo(t.lat, t.lon, 0.35);
              }
            },
          ),
        );
      }
    }
  }
  let flown = false;

  /** The page's state as a URL (the camera rounded, so it changes only when the view does). */
  function currentUrlState(): UrlState {
    const v = app.globe.view();
    return {
      icao: app.selection.state.icao24,
      camera: { lat: v.lat, lon: v.lon, alt: v.altitude },
      filter: app.filters.snapshot(),
      units: units(),
      playbackAtMs: playback.mode === 'playback' ? playbackAt() : null,
      speed: playback.mode === 'playback' ? (playback.status?.speed ?? null) : null,
    };
  }
  const writeUrl = () => {
    const q = formatUrlState(currentUrlState());
    if (q !== window.location.search)
      window.history.replaceState(null, '', `${window.location.pathname}${q}`);
  };
  const urlTimer = setInterval(writeUrl, URL_REFRESH_MS);
  // Filters and the selection go to the URL at once (a camera move within a second).
  createEffect(
    on(
      () => [
        app.filters.state.altMinM,
        app.filters.state.altMaxM,
        app.filters.state.showOnGround,
        app.filters.state.query,
        app.filters.state.anomaliesOnly,
        app.selection.state.icao24,
        playback.mode,
      ],
      writeUrl,
      { defer: true },
    ),
  );

  app.agent
    .playbackInfo()
    .then((info) => {
      setPlayback('info', info);
      if (initial.playbackAtMs !== null && info.available)
        startPlayback(initial.playbackAtMs, initial.speed ?? PLAYBACK_DEFAULT_SPEED);
    })
    .catch((e: unknown) =>
      setPlayback('info', { available: false, reason: `edge unreachable: ${String(e)}` }),
    );

  onCleanup(() => {
    clearInterval(tableTimer);
    clearInterval(urlTimer);
  });

  // Read-only hook for the browser tests.
  (window as unknown as { __skysentinelInvestigate: unknown }).__skysentinelInvestigate = {
    card: () => JSON.parse(JSON.stringify(card)) as CardState,
    playback: () => JSON.parse(JSON.stringify(playback)) as PlaybackState,
    playbackAt,
    /** Where the page holds an aircraft now (the last frame's fix). */
    position: (icao24: string) => app.flights.store.flights.get(icao24) ?? null,
    positions: () => [...app.flights.store.flights.values()],
  };

  return {
    card,
    playback,
    table,
    units,
    playbackAt,
    actions: {
      openAlert,
      closeCard,
      startPlayback,
      backToLive,
      pause: () => control({ type: 'pause' }),
      play: () => control({ type: 'play' }),
      setSpeed: (speed: number) => control({ type: 'speed', speed }),
      seek: (ts: number) => control({ type: 'seek', ts: Math.round(ts) }),
      setTableOpen: (open: boolean) => setTable('open', open),
      holdTable: (held: boolean) => {
        tableHeld = held;
        if (!held) refreshTable();
      },
      setInView: (inView: boolean) => setTable('inView', inView),
      sortBy: (sort: Sort) => setTable('sort', sort),
      select: (icao24: string) => app.actions.select(icao24),
    },
  };
}
export type Investigate = ReturnType<typeof createInvestigate>;
