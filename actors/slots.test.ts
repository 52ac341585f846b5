import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineSlots, type SlotArray, slotArray } from './slots.ts';

describe('slotArray', () => {
  it('gives n zeros, a new array each time', () => {
    const a = slotArray(5);
    const b = slotArray(5);
    expect(a).toEqual([0, 0, 0, 0, 0]);
    a[2] = 1.5;
    expect(b).toEqual([0, 0, 0, 0, 0]);
    expect(slotArray(5)).toEqual([0, 0, 0, 0, 0]);
    expect(slotArray(0)).toEqual([]);
  });

  it('defineSlots reads and writes each named field at its offset', () => {
    class Part {
      declare x: number;
      declare y: number;
      constructor(
        readonly s: SlotArray,
        readonly b: number,
      ) {}
    }
    expect(defineSlots(Part, ['x', 'y'])).toBe(2);
    const s = slotArray(5);
    const p = new Part(s, 3);
    p.x = 0.25;
    p.y = -7;
    expect(s).toEqual([0, 0, 0, 0.25, -7]);
    expect(p.x + p.y).toBe(-6.75);
  });

  // The point of a plain array: V8 keeps it as unboxed doubles only while nothing but numbers is
  // written. One undefined, string or object written by any part turns every slot into a tagged
  // value (boxed doubles: the memory and speed of docs/actors.md "Memory" lost, silently).
  it('every aircraft still holds its numbers as unboxed doubles after real traffic', () => {
    const script = fileURLToPath(new URL('./slots-kind.check.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout.trim()) as { cores: number; notDouble: string[] };
    expect(out.cores).toBeGreaterThan(150); // every excerpt's aircraft and the NYC fixture's
    expect(out.notDouble).toEqual([]);
  });
});
