import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { DeadlineHeap } from './deadline-heap.ts';

/**
 * Changes to how nact 7.6.2 runs a message, same semantics, far less work per message. They
 * matter because live traffic gives each aircraft's actor one update per wake, so nact's fixed
 * cost per message is paid per update (measured: docs/actors.md, "nact per message").
 *
 * 1. Idle timer. Stock nact clears the actor's `shutdownAfter` timer on every dispatch and creates
 *    a new one (`setTimeout(() => this.stop(), ms)`: a Timeout and a closure, linked into Node's
 *    timer list) every time the mailbox empties. Here going idle only notes the time (a monotonic
 *    clock read), and an idle actor is armed once per period: its deadline goes into one heap of
 *    all armed actors, served by a single Timeout for the earliest. At its deadline an actor idle
 *    for `shutdownAfter` ms stops, one that went idle later is re-armed for the rest of its period,
 *    and a busy one is let go (going idle arms it again). So an actor still stops `shutdownAfter`
 *    ms after it last went idle, never while it has work; per actor there is no Timeout (~200 bytes
 *    and four objects with its arguments: 20,000 of them with 20,000 aircraft) and no timer-list
 *    work per message. Once no live actor is armed, the Timeout is cleared (stopped actors keep no
 *    timer and no event loop alive).

 * 2. Run queue. Stock nact schedules every message with its own `setImmediate(async () => ...)`
 *    and awaits the actor function even when it returns a plain value: per message an Immediate,
 *    a closure, two promises and a microtask turn (Node drains microtasks between immediates).
 *    Here a message is appended to one shared queue, run by one `setImmediate` per event-loop turn,
 *    in the same order, one message per actor at a time as before. An actor function that returns
 *    a plain value completes at once; one that returns a promise is awaited as before. A throw or a
 *    rejection goes to the actor's `onCrash` exactly as in stock nact. Messages dispatched while the
 *    queue runs go to the next turn (as a setImmediate made inside an immediate does), so an actor
 *    messaging itself cannot starve I/O. A stopped actor's queued message is skipped (stock nact
 *    cancels its Immediate).
 *    The context handed to the actor function holds what nact's does; a childless actor keeps
 *    its context object while its messages come from the same sender (every field is then what
 *    a new one would hold), and `children` (an empty Map) is made, per message, only when read.
 *
 * 3. Lookup. nact's dispatch(ref, msg) finds the actor behind a reference on every message (the
 *    system by name, then the path through each parent's children Map, with a closure per call).
 *    `actorOf(ref)` does that lookup once (the router keeps the actor with its ref) and
 *    `tell(actor, msg)` is nact's dispatch without it; a stopped actor drops the message as before.
 *
 * 4. Fewer places touched per message (with 20,000 actors each is a likely cache miss): whether
 *    an actor has children and how many messages wait in its mailbox are kept as fields of the
 *    actor (nact asks its children Map and its mailbox every message), the idle time is whole
 *    milliseconds (a small integer stays in the object; a fraction is a heap number of its own),
 *    and nact's per-message `assert(!stopped)` runs only when it would throw.
 *
 * 5. Lighter actors. nact gives every actor, at spawn, two Maps (its children and their
 *    references) and a mailbox queue: ~750 bytes in 7 objects (a heap snapshot of 2,000 actors:
 *    the Maps' hash tables alone are ~550 B), allocated, copied out of the young generation and
 *    marked for each of 20,000 aircraft. Most actors never have a child, and one taking a message
 *    at a time (live traffic: one per wake) never queues one. So an actor without children shares
 *    two empty Maps, and one with an empty mailbox a shared empty queue, until it spawns a child
 *    (its own Maps are made first) or a message has to wait (its own queue is made; it goes back
 *    to the shared one once emptied). Everything in nact that reads them sees what it saw before
 *    (empty); all that writes them are the functions replaced here.
 *
 * 6. Exact paths. nact builds a child's path parts as `[...parent.parts, name]`: the spread grows
 *    the array as it goes, so each actor's two-part path kept a 19-slot array (168 bytes, against 32
 *    for two slots; ~4% of an aircraft's heap, copied twice by the young generation when it is
 *    new). Here `parent.parts.concat(name)`: the same parts in an array of their length. Names are
 *    checked by nact's own `isValidName`, and an invalid one gets nact's own error.
 *
 * 7. No context for a function that takes none. An actor function marked `withoutContext` is called
 *    without one, so none is made or kept (the router's: it reads only its state and message).
 *
 * Installed once per process on nact's Actor class (and its ActorPath), only for the exact version it was written
 * against (another version stays stock; `nactFastPath.active` says which). Actors without
 * `shutdownAfter` keep nact's own no-op timer.
 */

const SUPPORTED_NACT = '7.6.2';

/** The parts of nact's (untyped) Actor that the changes use. */
interface NactActor {
  stopped: boolean;
  busy: boolean;
  shutdownPeriod?: number;
  timeout?: NodeJS.Timeout;
  /** Its entry among the idle deadlines while it is armed (undefined: not armed). */
  idleTicket?: IdleTicket;
  /** performance.now() when the actor last went idle. */
  idleSinceMs?: number;
  state: unknown;
  f: (this: unknown, state: unknown, msg: unknown, ctx: unknown) => unknown;
  stop(): void;
  setTimeout(): void;
  clearTimeout(): void;
  createContext(sender: unknown): unknown;
  afterMessage(): void;
  processNext(): void;
  handleFault(msg: unknown, sender: unknown, error: unknown): Promise<void>;
  handleMessage(message: unknown, sender: unknown): void;
  childReferences: Map<string, unknown>;
  mailbox: {
    length: number;
    push(x: unknown): void;
    shift(): { message: unknown; sender: unknown } | undefined;
  };
  dispatch(message: unknown, sender?: unknown): void;
  assertNotStopped(): boolean;
  childSpawned(child: unknown): void;
  childStopped(child: unknown): void;
  /** Messages in `mailbox`, counted so an empty one is not looked at (undefined: not counted). */
  waiting?: number;
  /** Whether it has child actors (undefined: not tracked, ask nact's Map). */
  hasChildren?: boolean;
  /** The context of its last message while it is childless (see ChildlessContext). */
  childlessContext?: ChildlessContext;
  children: Map<string, unknown>;
  parent?: { reference: unknown };
  path: unknown;
  reference: unknown;
  name: string;
  log: unknown;
}

/** nact's (untyped) ActorPath: an actor's path from its system, one part per ancestor. */
interface NactActorPath {
  parts: string[];
  system: unknown;
  createChildPath(name: string): NactActorPath;
}
interface NactActorPathClass {
  new (parts: string[], system: unknown): NactActorPath;
  prototype: NactActorPath;
  isValidName(name: unknown): boolean;
}

export const nactFastPath = { active: false, reason: 'not installed' };

/**
 * The shared empty Maps and mailbox of actors that have no child / no waiting message (change 5).
 * Never written: an actor gets its own before anything would be added (fast-path tests check they
 * stay empty). Made at install, with nact's own queue class.
 */
interface SharedEmpties {
  children: Map<string, unknown>;
  childReferences: Map<string, unknown>;
  mailbox: NactActor['mailbox'];
}
let shared: SharedEmpties | null = null;

/** The shared empty children Maps and mailbox (for tests: they must stay empty); null before install. */
export function sharedEmpties(): SharedEmpties | null {
  return shared;
}

/**
 * An armed actor's entry among the idle deadlines. The heap holds the ticket, not the actor: an
 * actor stopped while armed lets go of its ticket (`actor` null), so its entry, left in the heap
 * until popped, keeps ~30 bytes alive rather than the actor and its state.
 */
class IdleTicket {
  constructor(public actor: NactActor | null) {}
}

/**
 * Idle deadlines (change 1): each armed actor's ticket once, by the time its idle period would
 * end, and one Timeout for the earliest. `armed` counts the live armed actors; the tickets of
 * actors stopped meanwhile stay until popped, or until they are most of the heap.
 */
const idleDeadlines = new DeadlineHeap<IdleTicket>();
let idleTimeout: NodeJS.Timeout | undefined;
let idleTimeoutAtMs = Number.POSITIVE_INFINITY;
let armed = 0;

/**
 * The last Immediate and Timeout made here, kept (a finished one holds nothing else). Optimized
 * code holds the hidden classes of the objects it handles only weakly: when a GC found no Immediate
 * (or Timeout) alive, their classes went, and every function that had inlined setImmediate or
 * setTimeout (dispatch, tell, run, the router's schedule...) was deoptimized and compiled again
 * (`--trace-deopt`: "weak objects", at every such GC).
 */
const keptAlive: { immediate: NodeJS.Immediate | null; timeout: NodeJS.Timeout | null } = {
  immediate: null,
  timeout: null,
};

/** Live armed actors, heap entries and whether the Timeout is set (for tests). */
export function idleTimerState(): { armed: number; entries: number; timer: boolean } {
  return { armed, entries: idleDeadlines.size, timer: idleTimeout !== undefined };
}

function arm(actor: NactActor, atMs: number): void {
  const ticket = new IdleTicket(actor);
  actor.idleTicket = ticket;
  armed++;
  idleDeadlines.push(ticket, atMs);
  if (atMs < idleTimeoutAtMs) wakeAt(atMs);
}

function wakeAt(atMs: number): void {
  clearTimeout(idleTimeout);
  idleTimeoutAtMs = atMs;
  idleTimeout = setTimeout(onIdleDeadlines, Math.max(0, atMs - performance.now()));
  keptAlive.timeout = idleTimeout;
}

function onIdleDeadlines(): void {
  idleTimeout = undefined;
  idleTimeoutAtMs = Number.POSITIVE_INFINITY;
  const nowMs = performance.now();
  while (idleDeadlines.peekKey() <= nowMs) {
    const ticket = idleDeadlines.pop() as IdleTicket;
    const actor = ticket.actor;
    if (actor === null) continue; // stopped meanwhile
    if (actor.busy) {
      disarm(actor); // working: going idle arms it again
      continue;
    }
    const endMs = (actor.idleSinceMs as number) + (actor.shutdownPeriod as number);
    if (endMs > nowMs) {
      idleDeadlines.push(ticket, endMs); // went idle again since: the rest of its period
      continue;
    }
    disarm(actor);
    actor.stop();
  }
  if (armed > 0) wakeAt(idleDeadlines.peekKey());
}

/** The actor's idle period no longer counts (it is working, or stopping). */
function disarm(actor: NactActor): void {
  const ticket = actor.idleTicket;
  if (ticket === undefined) return;
  ticket.actor = null;
  actor.idleTicket = undefined;
  armed--;
  if (armed === 0) {
    // Nothing left to stop: no Timeout keeps the process alive, no entry is kept.
    clearTimeout(idleTimeout);
    idleTimeout = undefined;
    idleTimeoutAtMs = Number.POSITIVE_INFINITY;
    idleDeadlines.retain(() => false);
  } else if (idleDeadlines.size > 64 && idleDeadlines.size > 2 * armed) {
    idleDeadlines.retain((t) => t.actor !== null);
  }
}

/**
 * Messages waiting for the next turn: [actor, message, sender] triples, flat (no object each), in
 * arrays that keep their capacity (emptying one with `length = 0` would free it, and refilling
 * 60,000 slots every turn would copy it over and over as it grows).
 */
let queue: unknown[] = [];
let queued = 0;
let spare: unknown[] = [];
let scheduled = false;

/**
 * The clock an actor going idle notes while the run queue runs (performance.now(), -1 outside
 * it): read once per CLOCK_EVERY messages rather than per message (~50 ns each), so it is at most
 * that many messages old, well under a millisecond; an idle period can end that much early.
 */
let queueClockMs = -1;
const CLOCK_EVERY = 64 * 3;

function runQueue(): void {
  scheduled = false;
  const batch = queue;
  const n = queued;
  queue = spare; // dispatches made while this batch runs go to the next turn
  queued = 0;
  for (let i = 0; i < n; i += 3) {
    if (i % CLOCK_EVERY === 0) queueClockMs = performance.now();
    const actor = batch[i] as NactActor;
    if (!actor.stopped) run(actor, batch[i + 1], batch[i + 2]);
  }
  queueClockMs = -1;
  batch.fill(undefined, 0, n); // hold no message past its turn
  spare = batch;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as { then?: unknown }).then === 'function'
  );
}

/**
 * The context of a message to a childless actor: what nact's createContext (actor.js) builds for
 * every message, except that the object is the actor's own, reused while messages come from the
 * same sender (all its fields are then what a new one would hold: allocating it was ~80 bytes and
 * ~0.3 us per message), and `children` (an empty Map, as nact's snapshot at the start of the
 * message) is made only if read, fresh for each message.
 */
class ChildlessContext {
  private childrenMap: Map<string, unknown> | undefined = undefined;
  constructor(
    readonly parent: unknown,
    readonly path: unknown,
    readonly self: unknown,
    readonly name: string,
    readonly sender: unknown,
    readonly log: unknown,
  ) {}

  get children(): Map<string, unknown> {
    this.childrenMap ??= new Map();
    return this.childrenMap;
  }

  /** A new message: its `children` is a new empty Map when read. */
  reuse(): this {
    this.childrenMap = undefined;
    return this;
  }
}

function contextOf(actor: NactActor, sender: unknown): unknown {
  if (actor.hasChildren !== false) return actor.createContext(sender);
  const ctx = actor.childlessContext;
  if (ctx !== undefined && ctx.sender === sender) return ctx.reuse();
  const made = new ChildlessContext(
    actor.parent ? actor.parent.reference : undefined,
    actor.path,
    actor.reference,
    actor.name,
    sender,
    actor.log,
  );
  actor.childlessContext = made;
  return made;
}

/** nact's own message step (actor.js handleMessage), without the await when there is nothing to wait for. */
function run(actor: NactActor, message: unknown, sender: unknown): void {
  try {
    const f = actor.f;
    let next: unknown;
    if ((f as ContextFree)[CONTEXT_FREE] === true) next = f.call(undefined, actor.state, message, undefined);
    else {
      const ctx = contextOf(actor, sender);
      next = f.call(ctx, actor.state, message, ctx);
    }
    if (isThenable(next)) {
      awaitState(actor, message, sender, next);
      return;
    }
    actor.state = next;
    actor.afterMessage();
    actor.processNext();
  } catch (error) {
    actor.handleFault(message, sender, error);
  }
}

/**
 * An actor function that returned a promise: its message completes when it settles. Apart from
 * `run` because closures over run's arguments would make V8 allocate a context for every call
 * of `run` (~60 bytes per message), thenable or not.
 */
function awaitState(actor: NactActor, message: unknown, sender: unknown, next: PromiseLike<unknown>): void {
  next.then(
    (state) => finish(actor, message, sender, state),
    (error) => actor.handleFault(message, sender, error),
  );
}

function finish(actor: NactActor, message: unknown, sender: unknown, state: unknown): void {
  try {
    actor.state = state;
    actor.afterMessage();
    actor.processNext();
  } catch (error) {
    actor.handleFault(message, sender, error);
  }
}

/** Marks an actor function that takes no context (see `withoutContext`). */
const CONTEXT_FREE = Symbol('nact fast path: the actor function takes no context');
type ContextFree = { [CONTEXT_FREE]?: true };

/**
 * Marks `f` as an actor function that never looks at nact's context: the fast path calls it as
 * `f(state, message)` (no `this`, the context argument undefined), so its actors have no context
 * object at all (change 7: one object, ~80 bytes, per actor, and a line of memory less touched per
 * message). Only for a function that reads neither `this` nor a third argument; stock nact (another
 * version) ignores the mark and passes its context as usual. `initialStateFunc`, `onCrash` and
 * `afterStop` still get nact's contexts.
 */
export function withoutContext<F extends (state: never, message: never) => unknown>(f: F): F {
  (f as ContextFree)[CONTEXT_FREE] = true;
  return f;
}

/** nact's Actor as the router holds it: what `tell` needs. */
export interface NactActorHandle {
  readonly stopped: boolean;
  dispatch(message: unknown, sender: unknown): void;
}

/**
 * The actor behind a reference, looked up once the way nact's dispatch does on every message
 * (system by name, then the path's parts through each parent's children Map). Undefined when it
 * has stopped, or when the fast path is not installed (then dispatch through nact's function).
 */
export function actorOf(ref: unknown): NactActorHandle | undefined {
  if (!nactFastPath.active || systemMap === null) return undefined;
  const r = ref as { system: { name: string } };
  return systemMap.find(r.system.name, ref) as NactActorHandle | undefined;
}

/**
 * nact's `dispatch(ref, message, sender)` for an actor already looked up: a stopped actor drops
 * the message silently, as nact's lookup (which no longer finds it) does; otherwise nact's own
 * Actor.dispatch runs, with no lookup by path per message.
 */
export function tell(actor: NactActorHandle, message: unknown, sender: unknown): void {
  if (!actor.stopped) actor.dispatch(message, sender);
}

let systemMap: { find(systemName: string, ref: unknown): unknown } | null = null;

/** Installs the changes on nact's Actor (idempotent). Returns whether they are active. */
export function installNactFastPath(): boolean {
  if (nactFastPath.active) return true;
  const require = createRequire(import.meta.url);
  const version = (require('nact/package.json') as { version: string }).version;
  if (version !== SUPPORTED_NACT) {
    nactFastPath.reason = `nact ${version} (written for ${SUPPORTED_NACT}): stock nact`;
    return false;
  }
  const { Actor } = require('nact/lib/actor.js') as { Actor: { prototype: NactActor } };
  systemMap = require('nact/lib/system-map.js') as typeof systemMap;
  const proto = Actor.prototype;
  const stockStop = proto.stop;

  const { Nobody } = require('nact/lib/references.js') as { Nobody: new () => unknown };
  const { ActorPath } = require('nact/lib/paths.js') as { ActorPath: NactActorPathClass };
  const stockChildPath = ActorPath.prototype.createChildPath;
  // nact's createChildPath, with the parts in an array of their length (change 6).
  ActorPath.prototype.createChildPath = function (this: NactActorPath, name: string) {
    if (!ActorPath.isValidName(name)) return stockChildPath.call(this, name); // nact's own error
    return new ActorPath(this.parts.concat(name), this.system);
  };
  const Mailbox = createRequire(require.resolve('nact/lib/actor.js'))(
    'denque',
  ) as new () => NactActor['mailbox'];
  const noChildren = new Map<string, unknown>();
  const noChildReferences = new Map<string, unknown>();
  const noMail = new Mailbox();
  shared = { children: noChildren, childReferences: noChildReferences, mailbox: noMail };
  const stockSpawned = proto.childSpawned;
  const stockStopped = proto.childStopped;

  // Called when the mailbox empties, and once at spawn (the end of nact's constructor: where the
  // two counters below start, so every actor spawned after the install has the same fields).
  proto.setTimeout = function (this: NactActor) {
    if (this.waiting === undefined) {
      this.waiting = this.mailbox.length;
      if (this.waiting === 0) this.mailbox = noMail;
      this.hasChildren = this.childReferences.size > 0 || this.children.size > 0;
      if (!this.hasChildren) {
        this.children = noChildren;
        this.childReferences = noChildReferences;
      }
      this.childlessContext = undefined;
    }
    // Whole milliseconds, rounded up (never ends an idle period early): a small integer stays
    // in the actor object, where a fractional one would be a separate heap number to read.
    this.idleSinceMs = Math.ceil(queueClockMs >= 0 ? queueClockMs : performance.now());
    if (this.idleTicket !== undefined) return;
    if (this.timeout !== undefined) {
      clearTimeout(this.timeout); // a stock timer of an actor spawned before the install
      this.timeout = undefined;
    }
    arm(this, this.idleSinceMs + (this.shutdownPeriod as number));
  };
  // Called by dispatch (every message) and by stop: the timer is left running (see above).
  proto.clearTimeout = () => {};
  // nact's dispatch (clearTimeout is the no-op above), counting what waits in the mailbox.
  proto.dispatch = function (this: NactActor, message: unknown, sender: unknown = new Nobody()) {
    // nact asserts this on every message; node's assert() takes rest arguments (an array per
    // call), so it is only called when it is going to throw.
    if (this.stopped) this.assertNotStopped();
    if (!this.busy) {
      this.handleMessage(message, sender);
      return;
    }
    if (this.mailbox === noMail) this.mailbox = new Mailbox();
    this.mailbox.push({ message, sender });
    if (this.waiting !== undefined) this.waiting++;
  };
  // nact's processNext, without looking into an empty mailbox.
  proto.processNext = function (this: NactActor) {
    if (this.stopped) return;
    const next = this.waiting === 0 ? undefined : this.mailbox.shift();
    if (next !== undefined) {
      if (this.waiting !== undefined) this.waiting--;
      this.handleMessage(next.message, next.sender);
      return;
    }
    this.busy = false;
    if (this.waiting === 0 && this.mailbox !== noMail) this.mailbox = noMail; // the backlog is over
    this.setTimeout(); // idle: the shutdownAfter period starts
  };
  proto.childSpawned = function (this: NactActor, child: unknown) {
    if (this.children === noChildren || this.childReferences === noChildReferences) {
      this.children = new Map(this.children);
      this.childReferences = new Map(this.childReferences);
    }
    stockSpawned.call(this, child);
    if (this.hasChildren !== undefined) this.hasChildren = true;
  };
  proto.childStopped = function (this: NactActor, child: unknown) {
    stockStopped.call(this, child);
    if (this.hasChildren !== undefined) this.hasChildren = this.childReferences.size > 0;
  };
  proto.stop = function (this: NactActor) {
    stockStop.call(this);
    clearTimeout(this.timeout);
    this.timeout = undefined;
    disarm(this);
  };
  proto.handleMessage = function (this: NactActor, message: unknown, sender: unknown) {
    this.busy = true;
    queue[queued] = this;
    queue[queued + 1] = message;
    queue[queued + 2] = sender;
    queued += 3;
    if (!scheduled) {
      scheduled = true;
      keptAlive.immediate = setImmediate(runQueue);
    }
  };

  nactFastPath.active = true;
  nactFastPath.reason = `nact ${version}: idle timers armed per period, one shared run queue`;
  return true;
}
