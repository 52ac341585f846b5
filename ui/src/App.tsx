import { onMount } from 'solid-js';
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
            <Legend />
          </div>
          <div class="right">
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
