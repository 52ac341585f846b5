import { createMemo, For, Show } from 'solid-js';
import {
  ANOMALY_TYPES,
  type AnomalyType,
  SEVERITIES,
  type Severity,
} from '../../../runtime/contract/anomaly.ts';
import type { App } from '../app.ts';
import { foldBursts, passesTriage, typeCounts } from '../core/alert-triage.ts';
import type { FeedEvent } from '../core/anomaly-feed.ts';

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
export const typeLabel = (t: AnomalyType) => t.replace('_', ' ');
const phaseLabel = (e: FeedEvent) => (e.orphaned ? 'ended (edge restarted)' : e.phase);

/**
 * Newest first; chips per type (with counts), "open only", a severity floor, bursts of one type
 * folded into one row, acknowledge per alert. A click flies to the aircraft and selects it.
 */
export function AnomalyFeed(props: { app: App }) {
  const a = () => props.app.anomalies;
  const counts = createMemo(() => typeCounts(a().state.feed));
  const shown = createMemo(() => a().state.feed.filter((e) => passesTriage(e, a().state.triage)));
  const rows = createMemo(() => foldBursts(shown()));
  const fly = (e: FeedEvent) => props.app.actions.openAlert(e);
  const Item = (p: { e: FeedEvent }) => (
    <li
      class={`feed-item sev-${p.e.severity} phase-${p.e.phase}`}
      classList={{ acked: a().acked().has(p.e.id) }}
      data-testid="anomaly-item"
      data-id={p.e.id}
      data-icao24={p.e.icao24}
      data-type={p.e.type}
      data-phase={p.e.phase}
      data-acked={a().acked().has(p.e.id) ? 'true' : 'false'}
    >
      <button type="button" class="feed-open" onClick={() => fly(p.e)}>
        <span class="feed-type">{typeLabel(p.e.type)}</span> {p.e.callsign ?? p.e.icao24}
        {p.e.airport ? ` @ ${p.e.airport}` : ''}
        {p.e.type === 'emergency_squawk' && typeof p.e.details.squawk === 'string'
          ? ` ${p.e.details.squawk}`
          : ''}
        <span class="muted">
          {' '}
          {time(p.e.detected_at)} {phaseLabel(p.e)}
        </span>
      </button>
      <Show when={!a().acked().has(p.e.id)}>
        <button
          type="button"
          class="ack"
          data-testid="anomaly-ack"
          title="acknowledge (kept in this browser)"
          onClick={() => a().acknowledge(p.e.id)}
        >
          ✓
        </button>
      </Show>
    </li>
  );
  return (
    <div class="feed" data-testid="anomaly-feed">
      <div class="feed-head">
        <span>anomalies</span>
        <label class="muted">
          <input
            type="checkbox"
            data-testid="alert-sound"
            checked={a().sound()}
            onChange={(e) => a().setSound(e.currentTarget.checked)}
          />
          sound
        </label>
      </div>
      <div class="chips">
        <For each={ANOMALY_TYPES.filter((t) => counts().has(t))}>
          {(t) => (
            <button
              type="button"
              class="chip"
              data-testid="type-chip"
              data-type={t}
              aria-pressed={!a().state.triage.hiddenTypes.includes(t)}
              onClick={() => a().toggleType(t)}
            >
              {typeLabel(t)} <b>{counts().get(t)?.all}</b>
              <Show when={(counts().get(t)?.open ?? 0) > 0}>
                <span class="chip-open"> ({counts().get(t)?.open} open)</span>
              </Show>
            </button>
          )}
        </For>
      </div>
      <div class="feed-controls">
        <label>
          <input
            type="checkbox"
            data-testid="alert-open-only"
            checked={a().state.triage.openOnly}
            onChange={(e) => a().setOpenOnly(e.currentTarget.checked)}
          />
          open only
        </label>
        <label>
          severity ≥{' '}
          <select
            data-testid="alert-severity"
            value={a().state.triage.minSeverity}
            onChange={(e) => a().setMinSeverity(e.currentTarget.value as Severity)}
          >
            <For each={[...SEVERITIES]}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </label>
      </div>
      <ul>
        <For each={rows()} fallback={<li class="muted">none {a().state.feed.length ? 'match' : 'yet'}</li>}>
          {(row) => (
            <Show when={row.events.length > 1} fallback={<Item e={row.events[0]!} />}>
              <li
                class="burst"
                data-testid="anomaly-burst"
                data-type={row.type}
                data-count={row.events.length}
              >
                <button
                  type="button"
                  class="burst-head"
                  data-testid="anomaly-burst-toggle"
                  aria-expanded={a().state.expanded.includes(row.key)}
                  onClick={() => a().toggleExpanded(row.key)}
                >
                  {a().state.expanded.includes(row.key) ? '▾' : '▸'} {row.events.length}×{' '}
                  {typeLabel(row.type)}
                  <span class="muted">
                    {' '}
                    {time(row.events[row.events.length - 1]!.detected_at)}–{time(row.events[0]!.detected_at)}
                  </span>
                </button>
                <Show when={a().state.expanded.includes(row.key)}>
                  <ul>
                    <For each={row.events}>{(e) => <Item e={e} />}</For>
                  </ul>
                </Show>
              </li>
            </Show>
          )}
        </For>
      </ul>
    </div>
  );
}
