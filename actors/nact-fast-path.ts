import { createRequire } from 'node:module';

/**
 * nact's `shutdownAfter` with one reusable timer per actor instead of a new one per message.
 *
 * Stock nact 7.6.2 calls `clearTimeout` on every dispatch and `setTimeout(() => this.stop(), ms)`
 * every time the mailbox empties: a new Timeout object and a new closure per message, inserted into
 * and removed from Node's timer list. With 20,000 actors that was 1.3-2 us of the ~2.7 us nact
 * spends per message here (nact-idle-timer.test.ts and docs/actors.md, "nact per message").
 *
 * Same semantics, cheaper: the actor keeps one Timeout for its life. Going idle (mailbox empty)
 * restarts it with `timeout.refresh()` (Node's public API: same duration, counted from now); a
 * dispatch no longer cancels it, so if it fires while the actor is busy it does nothing and the
 * next idle restarts it. So an actor still stops `shutdownAfter` ms after it last went idle, never
 * while it has work. `stop()` clears the timer for real (a stopped actor must not keep the event
 * loop alive or be retained by a timer).
 *
 * Installed once per process on nact's Actor class, only for the exact version it was written
 * against (another version stays stock; `nactIdleTimer.active` says which). Actors without
 * `shutdownAfter` are untouched (nact gives them an own no-op `setTimeout`).
 */

const SUPPORTED_NACT = '7.6.2';

interface NactActor {
  stopped: boolean;
  busy: boolean;
  shutdownPeriod?: number;
  timeout?: NodeJS.Timeout;
  stop(): void;
  setTimeout(): void;
  clearTimeout(): void;
}

export const nactIdleTimer = { active: false, reason: 'not installed' };

function onIdle(actor: NactActor): void {
  // Busy: a message came after the timer was started; going idle again restarts it.
  if (!actor.stopped && !actor.busy) actor.stop();
}

/** Installs the idle-timer change on nact's Actor (idempotent). Returns whether it is active. */
export function installNactIdleTimer(): boolean {
  if (nactIdleTimer.active) return true;
  const require = createRequire(import.meta.url);
  const version = (require('nact/package.json') as { version: string }).version;
  if (version !== SUPPORTED_NACT) {
    nactIdleTimer.reason = `nact ${version} (written for ${SUPPORTED_NACT}): stock idle timers`;
    return false;
  }
  const { Actor } = require('nact/lib/actor.js') as { Actor: { prototype: NactActor } };
  const proto = Actor.prototype;
  const stockStop = proto.stop;
  proto.setTimeout = function (this: NactActor) {
    if (this.timeout === undefined) this.timeout = setTimeout(onIdle, this.shutdownPeriod, this);
    else this.timeout.refresh();
  };
  // Called by dispatch (every message) and by stop: the timer is left running (see above).
  proto.clearTimeout = () => {};
  proto.stop = function (this: NactActor) {
    stockStop.call(this);
    if (this.timeout !== undefined) {
      clearTimeout(this.timeout);
      this.timeout = undefined;
    }
  };
  nactIdleTimer.active = true;
  nactIdleTimer.reason = `nact ${version}: one refreshed idle timer per actor`;
  return true;
}
