import {
  ALTITUDE_STOPS,
  ANOMALY_RGB,
  EMERGENCY_RGB,
  GROUND_RGB,
  legendGradientCss,
  rgbToCss,
} from '../core/colour-scale.ts';

export function Legend() {
  const max = ALTITUDE_STOPS[ALTITUDE_STOPS.length - 1]!.altM;
  return (
    <div class="legend" data-testid="legend">
      <div class="legend-bar" style={{ background: legendGradientCss() }} />
      <div class="legend-ticks">
        {ALTITUDE_STOPS.map((s) => (
          <span style={{ left: `${(s.altM / max) * 100}%` }}>{s.altM === 0 ? '0' : `${s.altM / 1000}k`}</span>
        ))}
      </div>
      <div class="legend-unit">altitude, m</div>
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
      </div>
    </div>
  );
}
