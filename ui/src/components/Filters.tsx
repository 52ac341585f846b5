import { Show } from 'solid-js';
import type { App } from '../app.ts';
import { altInputToM, altUnitLabel } from '../core/units.ts';

export function Filters(props: { app: App }) {
  const f = () => props.app.filters;
  const u = () => props.app.units.units();
  let minEl!: HTMLInputElement;
  let maxEl!: HTMLInputElement;
  // The inputs are in the display unit; the filter is in metres (re-read when the unit changes).
  const apply = () => f().setAltRange(altInputToM(minEl.value, u()), altInputToM(maxEl.value, u()));
  return (
    <div class="filters" data-testid="filters">
      <div class="count">
        <span data-testid="visible-count">{props.app.flights.visible()}</span>
        <span class="muted">
          {' '}
          of <span data-testid="total-count">{props.app.flights.total()}</span> aircraft
        </span>
      </div>
      <Show when={props.app.flights.drawn().drawn < props.app.flights.drawn().inView}>
        <div
          class="thinned muted"
          data-testid="thinned-hint"
          title="Zoomed out, the globe draws a stable sample of the aircraft in view; emergencies, alerts and the selected aircraft are always drawn. Zoom in to see all."
        >
          {props.app.flights.drawn().drawn.toLocaleString('en-US')} of{' '}
          {props.app.flights.drawn().inView.toLocaleString('en-US')} in view shown at this zoom
        </div>
      </Show>
      <div class="units">
        <button
          type="button"
          data-testid="units-aviation"
          aria-pressed={u() === 'aviation'}
          onClick={() => {
            props.app.units.setUnits('aviation');
            apply();
          }}
        >
          ft · kt
        </button>
        <button
          type="button"
          data-testid="units-metric"
          aria-pressed={u() === 'metric'}
          onClick={() => {
            props.app.units.setUnits('metric');
            apply();
          }}
        >
          m · m/s
        </button>
        <button
          type="button"
          data-testid="home"
          title="frame the traffic (H)"
          onClick={() => props.app.actions.home()}
        >
          ⌂ home
        </button>
      </div>
      <label>
        altitude <span data-testid="filter-alt-unit">{altUnitLabel(u())}</span>
        <input
          ref={minEl}
          type="number"
          min="0"
          step={u() === 'aviation' ? 1000 : 500}
          placeholder="min"
          data-testid="filter-alt-min"
          onInput={apply}
        />
        –
        <input
          ref={maxEl}
          type="number"
          min="0"
          step={u() === 'aviation' ? 1000 : 500}
          placeholder="max"
          data-testid="filter-alt-max"
          onInput={apply}
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
