import { createRequire } from 'node:module';
import { dispatch, spawn, start, stop } from 'nact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  actorOf,
  idleTimerState,
  installNactFastPath,
  nactFastPath,
  sharedEmpties,
  tell,
  withoutContext,
} from './nact-fast-path.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const systemMap = createRequire(import.meta.url)('nact/lib/system-map.js') as {
  find(name: string): { children: Map<string, { stop(): void }> } | undefined;
};
/**
 * Stops a system's actors, then the system: nact 7.6.2's stop(system) stops none of them (the
 * system hands its Actor objects to stop(), which finds actors by reference only), and an actor
 * left armed would carry over into the next test's idle-timer figures.
 */
function stopSystem(system: ReturnType<typeof start>): void {
  const concrete = systemMap.find((system as unknown as { system: { name: string } }).system.name);
  for (const actor of [...(concrete?.children.values() ?? [])]) actor.stop();
  stop(system);
}
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

installNactFastPath();

describe('nact idle timer (one Timeout for all actors, each armed per period, not per message)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is active for the nact version it was written for', () => {
    expect(nactFastPath.active).toBe(true);
    expect(installNactFastPath()).toBe(true); // idempotent
  });

  it('creates no timer per message: 1,000 messages, at most one setTimeout', async () => {
    const system = start();
    let seen = 0;
    const count = (s: number) => {
      seen += 1;
      return s + 1;
    };
    const ref = spawn(system, count, 'counted', {
      shutdownAfter: 60_000,
      initialState: 0,
    } as never);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 1000; i++) {
      dispatch(ref, i);
      if (i % 100 === 0) await sleep(0); // let it go idle in between, as live traffic does
    }
    while (seen < 1000) await sleep(1);
    // The fast path's (the test's own sleeps are the short ones).
    expect(spy.mock.calls.filter((c) => (c[1] ?? 0) > 1_000).length).toBeLessThanOrEqual(1);
    stopSystem(system);
  });

  it('stops an actor shutdownAfter ms after it went idle, not while messages keep coming', async () => {
    const system = start();
    let stoppedAt = 0;
    const ref = spawn(system, (s: number) => s, 'idle', {
      shutdownAfter: 60,
      initialState: 0,
      afterStop: () => {
        stoppedAt = Date.now();
      },
    } as never);
    // A message every 20 ms for 300 ms: never idle for 60 ms.
    const t0 = Date.now();
    let lastMessage = t0;
    while (Date.now() - t0 < 300) {
      dispatch(ref, 1);
      lastMessage = Date.now();
      await sleep(20);
    }
    expect(stoppedAt).toBe(0);
    await sleep(250);
    expect(stoppedAt).toBeGreaterThan(0);
    // 60 ms after it went idle (a millisecond of slack for clock rounding), not earlier.
    expect(stoppedAt - lastMessage).toBeGreaterThanOrEqual(59);
    stopSystem(system);
  });

  it('does not stop an actor whose timer fires while it is busy; stops it once idle again', async () => {
    const system = start();
    let stopped = false;
    let finished = false;
    const ref = spawn(
      system,
      async (s: number) => {
        await sleep(150); // longer than shutdownAfter
        finished = true;
        return s;
      },
      'busy',
      {
        shutdownAfter: 40,
        initialState: 0,
        afterStop: () => {
          stopped = true;
        },
      } as never,
    );
    await sleep(20);
    dispatch(ref, 1); // the timer started at spawn fires ~20 ms into the work
    await sleep(100);
    expect(stopped).toBe(false);
    await sleep(60);
    expect(finished).toBe(true);
    await sleep(150);
    expect(stopped).toBe(true);
    stopSystem(system);
  });

  it('one Timeout serves every idle actor; once all have stopped none is left (no event loop kept alive)', async () => {
    const system = start();
    expect(idleTimerState().armed).toBe(0); // the tests before stopped their actors
    const before = timeouts();
    const refs = Array.from({ length: 20 }, (_, i) =>
      spawn(system, (s: number) => s, `t${i}`, { shutdownAfter: 600_000, initialState: 0 } as never),
    );
    for (const r of refs) dispatch(r, 1);
    await sleep(10);
    expect(timeouts() - before).toBe(1);
    for (const r of refs.slice(0, 19)) stop(r);
    await sleep(10);
    expect(timeouts() - before).toBe(1); // one is still armed
    expect(idleTimerState().armed).toBe(1);
    stop(refs[19]);
    await sleep(10);
    expect(timeouts() - before).toBe(0);
    expect(idleTimerState()).toEqual({ armed: 0, entries: 0, timer: false });
    stopSystem(system);
  });

  it('drops the entries of actors stopped while armed once they are most of the heap', async () => {
    const system = start();
    const refs = Array.from({ length: 200 }, (_, i) =>
      spawn(system, (s: number) => s, `e${i}`, { shutdownAfter: 600_000, initialState: 0 } as never),
    );
    expect(idleTimerState()).toEqual({ armed: 200, entries: 200, timer: true });
    for (const r of refs.slice(1)) stop(r);
    expect(idleTimerState().armed).toBe(1);
    expect(idleTimerState().entries).toBeLessThanOrEqual(64);
    stopSystem(system);
    expect(idleTimerState()).toEqual({ armed: 0, entries: 0, timer: false });
  });

  it('actors with different periods each stop on time, in deadline order', async () => {
    const system = start();
    const stopped: string[] = [];
    const t0 = Date.now();
    const at: Record<string, number> = {};
    for (const [name, ms] of [
      ['slow', 120],
      ['fast', 30],
      ['mid', 70],
    ] as const) {
      const ref = spawn(system, (s: number) => s, name, {
        shutdownAfter: ms,
        initialState: 0,
        afterStop: () => {
          stopped.push(name);
          at[name] = Date.now() - t0;
        },
      } as never);
      dispatch(ref, 1);
    }
    while (stopped.length < 3) await sleep(5);
    expect(stopped).toEqual(['fast', 'mid', 'slow']);
    expect(at.fast).toBeGreaterThanOrEqual(29);
    expect(at.mid).toBeGreaterThanOrEqual(69);
    expect(at.slow).toBeGreaterThanOrEqual(119);
    expect(at.slow).toBeLessThan(10_000); // stopped at all (generous: a loaded machine delays timers)
    stopSystem(system);
  });
});

describe('nact run queue (one setImmediate per turn, no await for plain values)', () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps each actor's messages in order, interleaved across actors, with one setImmediate per turn", async () => {
    const system = start();
    const seen = new Map<string, number[]>();
    const body = function (this: { name: string }, s: number, msg: number) {
      const list = seen.get(this.name) ?? [];
      list.push(msg);
      seen.set(this.name, list);
      return s + 1;
    };
    const refs = Array.from({ length: 50 }, (_, i) =>
      spawn(system, body, `q${i}`, { initialState: 0 } as never),
    );
    const spy = vi.spyOn(globalThis, 'setImmediate');
    for (let m = 0; m < 20; m++) for (const r of refs) dispatch(r, m);
    while ([...seen.values()].reduce((n, l) => n + l.length, 0) < 1000) await sleep(1);
    for (const list of seen.values()) expect(list).toEqual(Array.from({ length: 20 }, (_, m) => m));
    // One per turn (each turn runs one message per actor), not one per message.
    expect(spy.mock.calls.length).toBeLessThanOrEqual(25);
    stopSystem(system);
  });

  it('awaits an actor function that returns a promise, and sees a rejection as a crash', async () => {
    const system = start();
    const states: number[] = [];
    const crashes: unknown[] = [];
    const ref = spawn(
      system,
      async (s: number, msg: number) => {
        await sleep(5);
        if (msg < 0) throw new Error('boom');
        states.push(s + msg);
        return s + msg;
      },
      'async',
      {
        initialState: 100,
        onCrash: (_msg: unknown, err: Error, ctx: { reset: symbol }) => {
          crashes.push(err.message);
          return ctx.reset;
        },
      } as never,
    );
    for (const m of [1, 2, -1, 3]) dispatch(ref, m);
    // Polled: four 5 ms sleeps in a row can take far longer than 100 ms on a loaded machine.
    await vi.waitFor(() => expect(states).toHaveLength(3), { timeout: 20_000, interval: 10 });
    expect(states).toEqual([101, 103, 103]); // reset to 100 after the crash
    expect(crashes).toEqual(['boom']);
    stopSystem(system);
  });

  it('sends a synchronous throw to onCrash; the actor restarts fresh and goes on', async () => {
    const system = start();
    const states: number[] = [];
    const ref = spawn(
      system,
      (s: number, msg: number) => {
        if (msg === 0) throw new Error('zero');
        states.push(s + msg);
        return s + msg;
      },
      'sync',
      { initialState: 10, onCrash: (_m: unknown, _e: unknown, ctx: { reset: symbol }) => ctx.reset } as never,
    );
    for (const m of [1, 1, 0, 5]) dispatch(ref, m);
    await sleep(20);
    expect(states).toEqual([11, 12, 15]);
    stopSystem(system);
  });

  it('runs nothing for an actor stopped with messages queued', async () => {
    const system = start();
    let handled = 0;
    const count = (s: number) => {
      handled += 1;
      return s;
    };
    const ref = spawn(system, count, 'stopped', { initialState: 0 } as never);
    dispatch(ref, 1);
    stop(ref);
    await sleep(20);
    expect(handled).toBe(0);
    stopSystem(system);
  });

  it('an actor messaging itself does not starve the event loop', async () => {
    const system = start();
    let pings = 0;
    let pingsWhenOtherWorkRan = -1;
    const ref = spawn(
      system,
      function (this: { self: unknown }, s: number) {
        pings += 1;
        if (pings < 10_000) dispatch(this.self as never, 0);
        return s;
      },
      'pinger',
      { initialState: 0 } as never,
    );
    dispatch(ref, 0);
    setImmediate(() => {
      pingsWhenOtherWorkRan = pings;
    });
    while (pings < 10_000) await sleep(1);
    expect(pingsWhenOtherWorkRan).toBeGreaterThan(0);
    expect(pingsWhenOtherWorkRan).toBeLessThan(10);
    stopSystem(system);
  });

  it("hands the actor nact's own context: name, self, path, parent, sender, log, a fresh children Map", async () => {
    const system = start();
    const seen: Array<Record<string, unknown>> = [];
    const body = function (
      this: Record<string, unknown>,
      s: number,
      _m: unknown,
      ctx: Record<string, unknown>,
    ) {
      seen.push(ctx);
      if (s === 0) spawn(ctx.self as never, (x: number) => x, 'child', { initialState: 0 } as never);
      return s + 1;
    };
    const ref = spawn(system, body, 'ctx', { initialState: 0 } as never);
    dispatch(ref, 1);
    await sleep(10);
    dispatch(ref, 2);
    await sleep(10);
    expect(seen).toHaveLength(2);
    const [first, second] = seen;
    for (const key of ['children', 'log', 'name', 'parent', 'path', 'self', 'sender'])
      expect(key in first, key).toBe(true);
    expect(first.name).toBe('ctx');
    expect(first.self).toBe(ref);
    expect(first.parent).toBe(system);
    expect((first.children as Map<string, unknown>).size).toBe(0); // a snapshot: the child came later
    expect(first.children).toBeInstanceOf(Map);
    expect(first.children).toBe(first.children); // one Map per context, made when first read
    expect(first.children).not.toBe(second.children);
    expect([...(second.children as Map<string, unknown>).keys()]).toEqual(['child']);
    stopSystem(system);
  });

  it("gives an actor nact's path, its parts in an array of their length; an invalid name gets nact's error", () => {
    const system = start();
    const ref = spawn(system, (s: number) => s, 'ab-12', { initialState: 0 } as never);
    const child = spawn(ref, (s: number) => s, 'kid', { initialState: 0 } as never);
    const path = (ref as unknown as { path: { parts: string[]; toString(): string } }).path;
    const childPath = (child as unknown as { path: { parts: string[] } }).path;
    expect(path.parts).toEqual([...(system as unknown as { path: { parts: string[] } }).path.parts, 'ab-12']);
    expect(childPath.parts).toEqual([...path.parts, 'kid']);
    expect(path.toString()).toMatch(/:\/\/ab-12$/);
    expect(() => spawn(system, (s: number) => s, 'no spaces', { initialState: 0 } as never)).toThrow(
      /Invalid argument: path may only contain URI encoded characters/,
    );
    stopSystem(system);
  });

  it('calls an actor function marked withoutContext with its state and message only, and keeps no context for it', async () => {
    const system = start();
    const seen: unknown[][] = [];
    const marked = withoutContext(function (this: unknown, s: number, m: number) {
      // biome-ignore lint/complexity/noArguments: what the call passed, beyond the declared parameters
      seen.push([this, s, m, arguments[2]]);
      return s + m;
    });
    const ref = spawn(system, marked, 'bare', { initialState: 0 } as never);
    dispatch(ref, 1);
    dispatch(ref, 2);
    await sleep(10);
    expect(seen).toEqual([
      [undefined, 0, 1, undefined],
      [undefined, 1, 2, undefined],
    ]);
    const actor = actorOf(ref) as unknown as { childlessContext?: unknown; state: number };
    expect(actor.state).toBe(3);
    expect(actor.childlessContext).toBeUndefined();
    // An unmarked function still gets nact's context.
    let got: { name?: string } | undefined;
    const plain = spawn(
      system,
      (s: number, _m: number, ctx: { name: string }) => {
        got = ctx;
        return s;
      },
      'dressed',
      {
        initialState: 0,
      } as never,
    );
    dispatch(plain, 1);
    await sleep(10);
    expect(got?.name).toBe('dressed');
    stopSystem(system);
  });

  it('actorOf looks an actor up once; tell delivers in order without the lookup, and drops after stop', async () => {
    const system = start();
    const got: number[] = [];
    const body = (s: number, m: number) => {
      got.push(m);
      return s;
    };
    const ref = spawn(system, body, 'told', { initialState: 0 } as never);
    const actor = actorOf(ref);
    expect(actor).toBeDefined();
    for (let i = 0; i < 5; i++) tell(actor as never, i, undefined);
    dispatch(ref, 5); // nact's own dispatch reaches the same actor, after what was told
    await sleep(10);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    stop(ref);
    tell(actor as never, 6, undefined); // as nact drops a message to a stopped actor: no throw
    await sleep(10);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(actorOf(ref)).toBeUndefined();
    stopSystem(system);
  });

  it('counts what waits in the mailbox of an actor with shutdownAfter: every message, in order, also around a crash', async () => {
    const system = start();
    const got: number[] = [];
    let crashed = false;
    const body = (s: number, m: number) => {
      if (m === 7 && !crashed) {
        crashed = true;
        throw new Error('once'); // reset: fresh state, the rest of the mailbox still comes
      }
      got.push(m);
      return s + 1;
    };
    const ref = spawn(system, body, 'counted-mailbox', {
      shutdownAfter: 60_000,
      initialState: 0,
      onCrash: (_m: unknown, _e: unknown, ctx: { reset: unknown }) => ctx.reset,
    } as never);
    const actor = actorOf(ref) as unknown as { waiting: number; hasChildren: boolean };
    expect([actor.waiting, actor.hasChildren]).toEqual([0, false]);
    for (let m = 0; m < 20; m++) dispatch(ref, m); // one runs, nineteen wait
    expect(actor.waiting).toBe(19);
    while (got.length < 19) await sleep(1);
    await sleep(5);
    expect(got).toEqual(Array.from({ length: 20 }, (_, m) => m).filter((m) => m !== 7));
    expect(actor.waiting).toBe(0);
    spawn(ref, (x: number) => x, 'child', { initialState: 0 } as never);
    expect(actor.hasChildren).toBe(true);
    stopSystem(system);
  });

  it("reuses a childless actor's context while the sender stays the same: same fields, a fresh children Map per message", async () => {
    const system = start();
    const seen: Array<{ ctx: Record<string, unknown>; sender: unknown; children: unknown }> = [];
    const body = (s: number, _m: unknown, ctx: Record<string, unknown>) => {
      seen.push({ ctx, sender: ctx.sender, children: ctx.children });
      return s + 1;
    };
    const ref = spawn(system, body, 'reused', { shutdownAfter: 60_000, initialState: 0 } as never);
    const a = { name: 'sender a' };
    const b = { name: 'sender b' };
    for (const sender of [a, a, b]) tell(actorOf(ref) as never, 1, sender);
    await sleep(10);
    expect(seen.map((x) => x.sender)).toEqual([a, a, b]);
    expect(seen[1].ctx).toBe(seen[0].ctx); // same sender: the same object
    expect(seen[2].ctx).not.toBe(seen[1].ctx);
    expect(seen[1].children).not.toBe(seen[0].children);
    for (const x of seen) {
      expect(x.children).toBeInstanceOf(Map);
      expect((x.children as Map<string, unknown>).size).toBe(0);
      expect(x.ctx.self).toBe(ref);
      expect(x.ctx.name).toBe('reused');
    }
    stopSystem(system);
  });
  it('an actor shares empty children Maps and mailbox until it has a child or a waiting message; the shared ones stay empty', async () => {
    const system = start();
    const got: number[] = [];
    const body = (s: number, m: number) => {
      got.push(m);
      return s;
    };
    const ref = spawn(system, body, 'light', {
      shutdownAfter: 60_000,
      initialState: 0,
    } as never);
    const actor = actorOf(ref) as unknown as {
      children: Map<string, unknown>;
      childReferences: Map<string, unknown>;
      mailbox: { length: number };
    };
    const shared = sharedEmpties();
    if (shared === null) throw new Error('the fast path is not installed');
    expect([actor.children, actor.childReferences, actor.mailbox]).toEqual([
      shared.children,
      shared.childReferences,
      shared.mailbox,
    ]);
    expect(actor.children).toBe(shared.children);
    expect(actor.mailbox).toBe(shared.mailbox);
    for (let m = 0; m < 5; m++) dispatch(ref, m); // one runs, four wait: in a queue of its own
    expect(actor.mailbox).not.toBe(shared.mailbox);
    expect(actor.mailbox.length).toBe(4);
    while (got.length < 5) await sleep(1);
    await sleep(5);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(actor.mailbox).toBe(shared.mailbox); // the backlog is over: back to the shared one
    const child = spawn(ref, (x: number) => x, 'child', { initialState: 0 } as never);
    expect(actor.children).not.toBe(shared.children);
    expect([...actor.childReferences.values()]).toEqual([child]);
    stop(child);
    await sleep(5);
    expect(actor.children.size).toBe(0);
    expect([shared.children.size, shared.childReferences.size, shared.mailbox.length]).toEqual([0, 0, 0]);
    stopSystem(system);
  });
});
