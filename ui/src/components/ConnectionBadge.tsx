import type { ConnectionSlice } from '../state/connection.ts';

const LABEL = {
  connecting: 'connecting…',
  live: 'live',
  resyncing: 'resyncing…',
  reconnecting: 'reconnecting',
};

export function ConnectionBadge(props: { connection: ConnectionSlice }) {
  const s = () => props.connection.state;
  return (
    <div
      class={`badge badge-${s().status}`}
      data-testid="connection-state"
      data-status={s().status}
      data-gaps={s().gaps}
      data-stale-s={props.connection.staleForS()}
      title={`seq ${s().seq ?? '-'}, resyncs after a gap: ${s().gaps}`}
    >
      <span class="dot" />
      {LABEL[s().status]}
      {s().status === 'reconnecting' && s().retryInMs !== null
        ? ` (try ${s().attempt}, in ${Math.ceil(s().retryInMs! / 1000)} s)`
        : ''}
      {props.connection.staleForS() > 0 ? ` · no data for ${props.connection.staleForS()} s` : ''}
    </div>
  );
}
