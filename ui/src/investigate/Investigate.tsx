import type { App } from '../app.ts';
import { AircraftTable } from './AircraftTable.tsx';
import { EventCard } from './EventCard.tsx';
import { createInvestigate } from './investigate.ts';
import { PlaybackBar } from './PlaybackBar.tsx';

/** Event card (next to the filters), aircraft table and playback bar (bottom). */
export function Investigate(props: { app: App }) {
  const inv = createInvestigate(props.app);
  const nowMs = () => inv.playbackAt() ?? Date.now();
  return (
    <>
      <div class="investigate-card">
        <EventCard inv={inv} />
      </div>
      <div class="investigate-bottom">
        <AircraftTable inv={inv} nowMs={nowMs} />
        <PlaybackBar inv={inv} />
      </div>
    </>
  );
}
