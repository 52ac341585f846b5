import { For, Show } from 'solid-js';
import { isEmergencySquawk } from '../core/emphasis.ts';
import { nextSort, type SortKey, sortValue } from './aircraft-table.ts';
import { altitudeWords } from './event-words.ts';
import type { Investigate } from './investigate.ts';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'callsign', label: 'callsign' },
  { key: 'icao24', label: 'ICAO24' },
  { key: 'alt', label: 'altitude' },
  { key: 'speed', label: 'GS kt' },
  { key: 'vrate', label: 'V/S ft/min' },
  { key: 'squawk', label: 'squawk' },
  { key: 'alerts', label: 'alerts' },
  { key: 'age', label: 'age s' },
];

/** A collapsible, sortable list of the aircraft that pass the filters (optionally only in view). */
export function AircraftTable(props: { inv: Investigate; nowMs: () => number }) {
  const t = () => props.inv.table;
  const a = () => props.inv.actions;
  return (
    <div class="aircraft-table panel" data-testid="aircraft-table" data-open={t().open}>
      <div class="panel-head">
        <button
          type="button"
          data-testid="table-toggle"
          aria-expanded={t().open}
          onClick={() => a().setTableOpen(!t().open)}
        >
          {t().open ? '▾' : '▸'} aircraft ({t().matching})
        </button>
        <Show when={t().open}>
          <label>
            <input
              type="checkbox"
              data-testid="table-in-view"
              checked={t().inView}
              onChange={(e) => a().setInView(e.currentTarget.checked)}
            />
            in view
          </label>
        </Show>
      </div>
      <Show when={t().open}>
        <div
          class="table-scroll"
          // While the pointer is over it the rows hold still (a row does not move under a click).
          ref={(el) => {
            el.addEventListener('mouseenter', () => a().holdTable(true));
            el.addEventListener('mouseleave', () => a().holdTable(false));
          }}
        >
          <table>
            <thead>
              <tr>
                <For each={COLUMNS}>
                  {(c) => (
                    <th
                      data-testid={`table-sort-${c.key}`}
                      aria-sort={
                        t().sort.key === c.key ? (t().sort.desc ? 'descending' : 'ascending') : 'none'
                      }
                      onClick={() => a().sortBy(nextSort(t().sort, c.key))}
                    >
                      {c.label}
                      {t().sort.key === c.key ? (t().sort.desc ? ' ▾' : ' ▴') : ''}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={t().rows}>
                {(r) => (
                  <tr
                    data-testid="table-row"
                    data-icao24={r.icao24}
                    data-alt-m={sortValue(r, 'alt', 0) ?? ''}
                    classList={{ emergency: isEmergencySquawk(r.squawk) }}
                    data-emergency={isEmergencySquawk(r.squawk)}
                    onClick={() => a().select(r.icao24)}
                  >
                    <td>{r.callsign ?? '—'}</td>
                    <td>{r.icao24}</td>
                    <td>{r.on_ground ? 'ground' : altitudeWords(r.alt_m)}</td>
                    <td>{r.speed_ms === null ? '—' : Math.round(r.speed_ms * 1.943844)}</td>
                    <td>{r.vrate_ms === null ? '—' : Math.round(r.vrate_ms * 196.8504)}</td>
                    <td>{r.squawk ?? '—'}</td>
                    <td>{r.anomalies.join(' ')}</td>
                    <td>{Math.max(0, Math.round((props.nowMs() - r.ts) / 1000))}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={t().matching > t().rows.length}>
            <div class="muted">
              first {t().rows.length} of {t().matching}
            </div>
          </Show>
        </div>
      </Show>
    </div>
  );
}
