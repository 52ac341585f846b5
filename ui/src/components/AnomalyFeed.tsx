import { For } from 'solid-js';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import type { App } from '../app.ts';

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Newest first; a click flies to the aircraft and selects it. */
export function AnomalyFeed(props: { app: App }) {
  const open = (e: AnomalyEvent) => {
    props.app.actions.flyTo(e.lat, e.lon, 0.2);
    props.app.actions.select(e.icao24);
  };
  return (
    <div class="feed" data-testid="anomaly-feed">
      <div class="feed-head">anomalies</div>
      <ul>
        <For each={props.app.anomalies.state.feed} fallback={<li class="muted">none yet</li>}>
          {(e) => (
            <li>
              <button
                type="button"
                class={`feed-item sev-${e.severity} phase-${e.phase}`}
                data-testid="anomaly-item"
                data-icao24={e.icao24}
                data-type={e.type}
                onClick={() => open(e)}
              >
                <span class="feed-type">{e.type.replace('_', ' ')}</span> {e.callsign ?? e.icao24}
                {e.airport ? ` @ ${e.airport}` : ''}
                <span class="muted">
                  {' '}
                  {time(e.detected_at)} {e.phase}
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
