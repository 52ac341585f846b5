import { createSignal, onMount } from 'solid-js';
import { type App as AppModel, createApp } from './app.ts';
import { AnomalyFeed } from './components/AnomalyFeed.tsx';
import { ConnectionBadge } from './components/ConnectionBadge.tsx';
import { CriticalBanner } from './components/CriticalBanner.tsx';
import { Filters } from './components/Filters.tsx';
import { FlightPanel } from './components/FlightPanel.tsx';
import { Legend } from './components/Legend.tsx';
import { StaleBanner } from './components/StaleBanner.tsx';
import { Investigate } from './investigate/Investigate.tsx';

export function App() {
  let globeEl!: HTMLDivElement;
  let overlay!: HTMLDivElement;
  // The globe needs its element in the DOM; the panels need the app: build both on mount.
  onMount(() => {
    const app: AppModel = createApp(globeEl);
    // Small screens: the right column is a bottom sheet, closed until asked for.
    const [sheetOpen, setSheetOpen] = createSignal(false);
    const mountUi = (node: Element) => overlay.appendChild(node);
    mountUi(
      (
        <div class="ui">
          <div class="banners">
            <CriticalBanner app={app} />
            <StaleBanner connection={app.connection} />
          </div>
          <div class="top-left">
            <div class="title">SkySentinel</div>
            <ConnectionBadge connection={app.connection} />
            <Filters app={app} />
            <Legend units={app.units.units} />
          </div>
          <div class="right" classList={{ 'sheet-open': sheetOpen() }} data-testid="side-panels">
            <button
              type="button"
              class="sheet-toggle"
              data-testid="sheet-toggle"
              aria-expanded={sheetOpen()}
              onClick={() => setSheetOpen(!sheetOpen())}
            >
              {sheetOpen() ? '▾ hide' : '▴'} alerts (
              {app.anomalies.state.feed.filter((e) => e.phase === 'open').length} open)
              {app.selection.state.icao24 ? ' · flight' : ''}
            </button>
            <FlightPanel app={app} />
            <AnomalyFeed app={app} />
          </div>
          <Investigate app={app} />
        </div>
      ) as Element,
    );
  });
  return (
    <>
      <div class="globe" ref={globeEl} data-testid="globe" />
      <div ref={overlay} />
    </>
  );
}
