import { dispatch, spawn, start, stop } from 'nact';
import { describe, expect, it } from 'vitest';
import { installNactFastPath } from './nact-fast-path.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Its own file: this needs an actor spawned on stock nact, before the fast path is installed.
describe('nact fast path installed while actors already run', () => {
  it("replaces an existing actor's stock idle timer, so it never stops that actor while busy", async () => {
    const system = start();
    let stopped = false;
    let finished = false;
    const ref = spawn(
      system,
      async (s: number, msg: number) => {
        if (msg === 2) {
          await sleep(150); // longer than shutdownAfter
          finished = true;
        }
        return s;
      },
      'early',
      {
        shutdownAfter: 40,
        initialState: 0,
        afterStop: () => {
          stopped = true;
        },
      } as never,
    );
    expect(installNactFastPath()).toBe(true);
    dispatch(ref, 1); // quick; going idle afterwards arms the idle timer
    await sleep(20);
    dispatch(ref, 2); // busy for 150 ms: a stock timer would fire and stop it meanwhile
    await sleep(120);
    expect(stopped).toBe(false);
    await sleep(60);
    expect(finished).toBe(true);
    await sleep(150);
    expect(stopped).toBe(true); // and it still stops once idle
    stop(system);
  });
});
