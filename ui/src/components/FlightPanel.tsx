import { For, Show } from 'solid-js';
import type { App } from '../app.ts';
import { EMERGENCY_SQUAWKS } from '../core/emphasis.ts';
import { altitudeProfilePath, maxTrailAltM } from '../core/profile.ts';

const PLOT_W = 260;
const PLOT_H = 60;
const fmt = (x: number | null | undefined, unit: string, k = 1, digits = 0) =>
  x === null || x === undefined ? '—' : `${(x * k).toFixed(digits)} ${unit}`;

export function FlightPanel(props: { app: App }) {
  const sel = () => props.app.selection.state;
  const f = () => sel().flight;
  return (
    <Show when={sel().icao24}>
      <div class="panel" data-testid="flight-panel">
        <div class="panel-head">
          <strong data-testid="panel-callsign">{f()?.callsign ?? '—'}</strong>
          <button type="button" data-testid="panel-close" onClick={() => props.app.actions.clearSelection()}>
            ×
          </button>
        </div>
        <Show when={sel().error}>
          <div class="muted" data-testid="panel-error">
            {sel().error}
          </div>
        </Show>
        <dl>
          <dt>ICAO24</dt>
          <dd data-testid="panel-icao24">{sel().icao24}</dd>
          <dt>country</dt>
          <dd data-testid="panel-country">
            {(f() as { origin_country?: string | null } | null)?.origin_country ?? '—'}
          </dd>
          <dt>altitude</dt>
          <dd data-testid="panel-alt">
            {fmt(f()?.alt_m, 'm')} <span class="muted">{fmt(f()?.alt_m, 'ft', 3.28084)}</span>
          </dd>
          <dt>speed</dt>
          <dd data-testid="panel-speed">
            {fmt(f()?.speed_ms, 'm/s', 1, 1)} <span class="muted">{fmt(f()?.speed_ms, 'kt', 1.943844)}</span>
          </dd>
          <dt>vertical rate</dt>
          <dd data-testid="panel-vrate">
            {fmt(f()?.vrate_ms, 'm/s', 1, 1)}{' '}
            <span class="muted">{fmt(f()?.vrate_ms, 'ft/min', 196.8504)}</span>
          </dd>
          <dt>track</dt>
          <dd data-testid="panel-track">{fmt(f()?.track_deg, '°', 1, 0)}</dd>
          <dt>squawk</dt>
          <dd
            data-testid="panel-squawk"
            classList={{ emergency: !!f()?.squawk && f()!.squawk! in EMERGENCY_SQUAWKS }}
          >
            {f()?.squawk ?? '—'}
            {f()?.squawk && EMERGENCY_SQUAWKS[f()!.squawk!] ? ` (${EMERGENCY_SQUAWKS[f()!.squawk!]})` : ''}
          </dd>
          <dt>anomalies</dt>
          <dd data-testid="panel-anomalies">
            <For each={f()?.anomalies ?? []} fallback="none">
              {(a) => <span class="tag">{a}</span>}
            </For>
          </dd>
        </dl>
        <div class="profile" data-testid="panel-profile" data-points={sel().trail.length}>
          <svg width={PLOT_W} height={PLOT_H} viewBox={`0 0 ${PLOT_W} ${PLOT_H}`}>
            <title>altitude over time</title>
            <path d={altitudeProfilePath(sel().trail, PLOT_W, PLOT_H)} />
          </svg>
          <span class="muted">
            altitude profile, top {fmt(maxTrailAltM(sel().trail), 'm')} ({sel().trail.length} points)
          </span>
        </div>
        <button
          type="button"
          data-testid="cockpit-toggle"
          aria-pressed={sel().cockpit}
          onClick={() => props.app.actions.setCockpit(!sel().cockpit)}
        >
          {sel().cockpit ? 'leave cockpit view' : 'cockpit view'}
        </button>
      </div>
    </Show>
  );
}
