import {
  ALTITUDE_STOPS,
  ANOMALY_RGB,
  EMERGENCY_RGB,
  GROUND_RGB,
  legendGradientCss,
  rgbToCss,
} from '../core/colour-scale.ts';
import { FT_PER_M, type Units } from '../core/units.ts';

export function Legend(props: { units: () => Units }) {
  const max = ALTITUDE_STOPS[ALTITUDE_STOPS.length - 1]!.altM;
  const tick = (altM: number) =>
    altM === 0
      ? '0'
      : props.units() === 'aviation'
        ? `FL${Math.round((altM * FT_PER_M) / 1000) * 10}`
        : `${altM / 1000}k`;
  return (
    <div class="legend" data-testid="legend">
      <div class="legend-bar" style={{ background: legendGradientCss() }} />
      <div class="legend-ticks">
        {ALTITUDE_STOPS.map((s) => (
          <span style={{ left: `${(s.altM / max) * 100}%` }}>{tick(s.altM)}</span>
        ))}
      </div>
      <div class="legend-unit" data-testid="legend-unit">
        {props.units() === 'aviation' ? 'altitude, flight level (hundreds of ft)' : 'altitude, m'}
      </div>
      <div class="legend-keys">
        <span>
          <i style={{ background: rgbToCss(GROUND_RGB) }} />
          on ground
        </span>
        <span>
          <i style={{ background: rgbToCss(ANOMALY_RGB) }} />
          open anomaly
        </span>
        <span>
          <i style={{ background: rgbToCss(EMERGENCY_RGB) }} />
          7500/7600/7700
        </span>
        <span class="muted">glyphs point along the track; H home, F follow, Esc deselect</span>
      </div>
    </div>
  );
}
