import { Show } from 'solid-js';
import type { ConnectionSlice } from '../state/connection.ts';

/** Says that the picture is old: no frame for a few seconds (aircraft are dimmed meanwhile). */
export function StaleBanner(props: { connection: ConnectionSlice }) {
  return (
    <Show when={props.connection.staleForS() > 0}>
      <div class="stale-banner" data-testid="stale-banner" role="status">
        No data for {props.connection.staleForS()} s — the aircraft shown are where they were last reported
        {props.connection.state.status === 'reconnecting' ? ' (reconnecting to the server)' : ''}.
      </div>
    </Show>
  );
}
