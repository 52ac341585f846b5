import { createSignal, onCleanup, Show } from 'solid-js';
import {
  agoWords,
  altitudeWords,
  detailWords,
  eventTitle,
  FT_PER_M,
  localTime,
  utcTime,
} from './event-words.ts';
import type { Investigate } from './investigate.ts';

const coord = (lat: number, lon: number) =>
  `${Math.abs(lat).toFixed(4)}°${lat >= 0 ? 'N' : 'S'} ${Math.abs(lon).toFixed(4)}°${lon >= 0 ? 'E' : 'W'}`;

/** The card an alert click opens: what, when, where, in words; the last known state; the trail. */
export function EventCard(props: { inv: Investigate }) {
  const c = () => props.inv.card;
  const d = () => c().detail;
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 10_000);
  onCleanup(() => clearInterval(timer));
  const alts = () => (d()?.trail.points ?? []).map((p) => p[3]).filter((a): a is number => a !== null);
  const metric = () => props.inv.units() === 'metric';
  const alt = (m: number | null) =>
    m === null ? '—' : metric() ? `${Math.round(m).toLocaleString('en-US')} m` : altitudeWords(m);
  return (
    <Show when={c().id}>
      <div class="panel event-card" data-testid="event-card" data-id={c().id ?? ''}>
        <div class="panel-head">
          <strong data-testid="event-type">{d() ? eventTitle(d()!.event) : 'loading…'}</strong>
          <button type="button" data-testid="event-close" onClick={() => props.inv.actions.closeCard()}>
            ×
          </button>
        </div>
        <Show when={c().error}>
          <div class="muted" data-testid="event-error">
            {c().error}
          </div>
        </Show>
        <Show when={d()}>
          {(detail) => {
            const e = () => detail().event;
            return (
              <>
                <div class="event-words" data-testid="event-details">
                  {detailWords(e(), detail().nearby?.count ?? null)}
                </div>
                <dl>
                  <dt>aircraft</dt>
                  <dd data-testid="event-aircraft">
                    {e().callsign ?? '—'} <span class="muted">{e().icao24}</span>
                  </dd>
                  <dt>when</dt>
                  <dd>
                    <span data-testid="event-time-utc">{utcTime(e().started_at)}</span>
                    <br />
                    <span class="muted" data-testid="event-time-local">
                      {localTime(e().started_at)}
                    </span>{' '}
                    <span data-testid="event-ago">{agoWords(e().started_at, now())}</span>
                  </dd>
                  <dt>airport</dt>
                  <dd data-testid="event-airport">{e().airport ?? '—'}</dd>
                  <dt>status</dt>
                  <dd>
                    {e().phase} · {e().severity}
                  </dd>
                  <dt>last known</dt>
                  <dd data-testid="event-last" data-alt-m={detail().last?.alt_m ?? ''}>
                    <Show when={detail().last} fallback="—">
                      {(l) => (
                        <>
                          <span data-testid="event-last-alt">{alt(l().alt_m)}</span>
                          {l().alt_m !== null && !metric() ? (
                            <span class="muted">
                              {' '}
                              ({Math.round(l().alt_m! * FT_PER_M).toLocaleString('en-US')} ft)
                            </span>
                          ) : null}
                          , {l().callsign ?? '—'}, {coord(l().lat, l().lon)}
                          <br />
                          <span class="muted">
                            {utcTime(l().ts)}, {agoWords(l().ts, now())}
                            {detail().on_board ? ' · on the board' : ' · no longer tracked'}
                          </span>
                        </>
                      )}
                    </Show>
                  </dd>
                  <dt>trail</dt>
                  <dd
                    data-testid="event-trail"
                    data-points={detail().trail.points.length}
                    data-min-alt={alts().length ? Math.min(...alts()) : ''}
                    data-max-alt={alts().length ? Math.max(...alts()) : ''}
                  >
                    {detail().trail.points.length} points, {utcTime(detail().trail.from).slice(11, 19)}–
                    {utcTime(detail().trail.to).slice(11)} ({detail().source})
                  </dd>
                </dl>
              </>
            );
          }}
        </Show>
      </div>
    </Show>
  );
}
