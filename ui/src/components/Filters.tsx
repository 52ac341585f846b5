import type { App } from '../app.ts';

const num = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));

export function Filters(props: { app: App }) {
  const f = () => props.app.filters;
  return (
    <div class="filters" data-testid="filters">
      <div class="count">
        <span data-testid="visible-count">{props.app.flights.visible()}</span>
        <span class="muted">
          {' '}
          of <span data-testid="total-count">{props.app.flights.total()}</span> aircraft
        </span>
      </div>
      <label>
        altitude m
        <input
          type="number"
          min="0"
          step="500"
          placeholder="min"
          data-testid="filter-alt-min"
          onInput={(e) => f().setAltRange(num(e.currentTarget.value), f().state.altMaxM)}
        />
        –
        <input
          type="number"
          min="0"
          step="500"
          placeholder="max"
          data-testid="filter-alt-max"
          onInput={(e) => f().setAltRange(f().state.altMinM, num(e.currentTarget.value))}
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={f().state.showOnGround}
          data-testid="filter-on-ground"
          onChange={(e) => f().setShowOnGround(e.currentTarget.checked)}
        />
        on ground
      </label>
      <label>
        <input
          type="checkbox"
          checked={f().state.anomaliesOnly}
          data-testid="filter-anomalies-only"
          onChange={(e) => f().setAnomaliesOnly(e.currentTarget.checked)}
        />
        anomalies only
      </label>
      <input
        type="search"
        placeholder="callsign or ICAO24 (Enter selects)"
        data-testid="filter-search"
        onInput={(e) => f().setQuery(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && props.app.actions.selectFirstMatch()}
      />
    </div>
  );
}
