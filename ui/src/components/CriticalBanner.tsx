import { Show } from 'solid-js';
import type { App } from '../app.ts';
import { typeLabel } from './AnomalyFeed.tsx';

/** Sticky at the top while a critical alert is open and unacknowledged; a click flies to it. */
export function CriticalBanner(props: { app: App }) {
  const list = () => props.app.critical();
  const first = () => list()[0];
  return (
    <Show when={first()}>
      {(e) => (
        <div class="critical-banner" data-testid="critical-banner" data-id={e().id} role="alert">
          <button
            type="button"
            class="critical-fly"
            data-testid="critical-fly"
            onClick={() => props.app.actions.openAlert(e())}
          >
            ⚠ {typeLabel(e().type).toUpperCase()}
            {typeof e().details.squawk === 'string' ? ` ${e().details.squawk as string}` : ''}{' '}
            {e().callsign ?? e().icao24}
            {list().length > 1 ? ` (+${list().length - 1} more)` : ''}
          </button>
          <button
            type="button"
            data-testid="critical-ack"
            title="acknowledge"
            onClick={() => props.app.anomalies.acknowledge(e().id)}
          >
            acknowledge
          </button>
        </div>
      )}
    </Show>
  );
}
