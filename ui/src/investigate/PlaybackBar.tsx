import { createSignal, For, Show } from 'solid-js';
import { utcTime } from './event-words.ts';
import type { Investigate } from './investigate.ts';

export const SPEEDS = [1, 2, 5, 10, 30, 60];

/** The time bar: replays the last hour at 1x-60x with pause and scrub; one click back to live. */
export function PlaybackBar(props: { inv: Investigate }) {
  const pb = () => props.inv.playback;
  const a = () => props.inv.actions;
  const [scrubbing, setScrubbing] = createSignal<number | null>(null);
  const at = () => scrubbing() ?? props.inv.playbackAt() ?? pb().from;
  return (
    <div class="playback-bar" data-testid="playback-bar" data-mode={pb().mode}>
      <Show
        when={pb().mode === 'playback'}
        fallback={
          <Show
            when={pb().info?.available}
            fallback={
              <span class="muted" data-testid="playback-unavailable">
                playback unavailable
                {pb().info && !pb().info!.available ? `: ${(pb().info as { reason: string }).reason}` : ''}
              </span>
            }
          >
            <span class="live-tag">LIVE</span>
            <button type="button" data-testid="playback-start" onClick={() => a().startPlayback()}>
              ⏪ replay the last hour
            </button>
          </Show>
        }
      >
        <button
          type="button"
          class="live-button"
          data-testid="playback-live"
          onClick={() => a().backToLive()}
        >
          ● back to live
        </button>
        <button
          type="button"
          data-testid="playback-pause"
          aria-pressed={pb().status?.paused ?? false}
          onClick={() => (pb().status?.paused || pb().status?.ended ? a().play() : a().pause())}
        >
          {pb().status?.paused || pb().status?.ended ? '▶' : '❚❚'}
        </button>
        <select
          data-testid="playback-speed"
          value={String(pb().status?.speed ?? 10)}
          onChange={(e) => a().setSpeed(Number(e.currentTarget.value))}
        >
          <For each={SPEEDS}>{(s) => <option value={String(s)}>{s}x</option>}</For>
        </select>
        <input
          type="range"
          data-testid="playback-scrub"
          min={pb().from}
          max={pb().to}
          step={1000}
          value={at()}
          onInput={(e) => setScrubbing(Number(e.currentTarget.value))}
          onChange={(e) => {
            a().seek(Number(e.currentTarget.value));
            setScrubbing(null);
          }}
        />
        <span class="playback-time" data-testid="playback-time" data-ts={Math.round(at())}>
          {utcTime(at())}
          {pb().status?.ended ? ' (end)' : ''}
        </span>
      </Show>
    </div>
  );
}
