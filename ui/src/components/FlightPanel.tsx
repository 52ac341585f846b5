import { For, Show } from 'solid-js';
import type { App } from '../app.ts';
import { EMERGENCY_SQUAWKS } from '../core/emphasis.ts';
import { altitudeProfilePath, maxTrailAltM } from '../core/profile.ts';
import {
  flightLevel,
  formatAlt,
  formatSpeed,
  formatVrate,
  type Units,
  verticalTrend,
} from '../core/units.ts';

const PLOT_W = 260;
const PLOT_H = 60;
const other = (u: Units): Units => (u === 'aviation' ? 'metric' : 'aviation');

export function FlightPanel(props: { app: App }) {
  const sel = () => props.app.selection.state;
  const f = () => sel().flight;
  const u = () => props.app.units.units();
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
            {formatAlt(f()?.alt_m, u())}
            {u() === 'aviation' && f() ? ` ${flightLevel(f()!.alt_m, f()!.on_ground)}` : ''}{' '}
            <span class="muted">{formatAlt(f()?.alt_m, other(u()))}</span>
          </dd>
          <dt>speed</dt>
          <dd data-testid="panel-speed">
            {formatSpeed(f()?.speed_ms, u())}{' '}
            <span class="muted">{formatSpeed(f()?.speed_ms, other(u()))}</span>
          </dd>
          <dt>vertical rate</dt>
          <dd data-testid="panel-vrate">
            {verticalTrend(f()?.vrate_ms)} {formatVrate(f()?.vrate_ms, u())}{' '}
            <span class="muted">{formatVrate(f()?.vrate_ms, other(u()))}</span>
          </dd>
          <dt>track</dt>
          <dd data-testid="panel-track">
            {f()?.track_deg == null ? '—' : `${f()!.track_deg!.toFixed(0)} °`}
          </dd>
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
            altitude profile, top {formatAlt(maxTrailAltM(sel().trail), u())} ({sel().trail.length} points)
          </span>
        </div>
        <button
          type="button"
          data-testid="follow-toggle"
          title="keep it in the middle (F)"
          aria-pressed={props.app.following()}
          onClick={() => props.app.actions.setFollow(!props.app.following())}
        >
          {props.app.following() ? 'stop following' : 'follow'}
        </button>{' '}
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
