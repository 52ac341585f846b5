/**
 * Numeric state in a shared array of doubles. A double in an ordinary object field lives in its own
 * heap box (V8 with pointer compression does not unbox doubles), so a class with ten number fields
 * costs ten extra objects per aircraft. `defineSlots` turns declared fields into accessors over
 * `this.s[this.b + k]` instead: the code still reads `this.lastTsMs`, the data sits in one array
 * per aircraft (AircraftCore hands each part its offset), and V8 inlines the accessors.
 */
export interface Slotted {
  readonly s: SlotArray;
  readonly b: number;
}

/**
 * An aircraft's numbers: a plain array that holds only numbers, which V8 keeps as unboxed doubles
 * in one block on the heap (PACKED_DOUBLE_ELEMENTS) as long as nothing but a number is written
 * (the parts' typed code writes nothing else). Not a Float64Array: one of more than 64 bytes keeps
 * its data off the heap, so each aircraft's (~1.3 KB) cost a typed array, an ArrayBuffer and a
 * C++ allocation at spawn, and every read went through the typed array's data pointer; the plain
 * array is two objects, one allocation (docs/benchmarks.md, "Actors", session 7, perf2).
 */
export type SlotArray = number[];

/** A zeroed array of each length asked for, copied by `slotArray`. */
const zeroedOfLength = new Map<number, SlotArray>();

/** `n` slots, all 0, stored as doubles from the start. */
export function slotArray(n: number): SlotArray {
  let zeroed = zeroedOfLength.get(n);
  if (zeroed === undefined) {
    // A fraction first: an array of small integers is stored tagged and converted to doubles
    // (copied) at its first fraction; one that starts with a fraction is a double array, and
    // stays one once refilled with zeros. Copies (slice) keep that.
    zeroed = [];
    for (let k = 0; k < n; k++) zeroed.push(0.5);
    zeroed.fill(0);
    zeroedOfLength.set(n, zeroed);
  }
  return zeroed.slice();
}

/** Defines `names` as number accessors on the class prototype; returns how many slots they take. */
export function defineSlots(cls: { prototype: object }, names: readonly string[]): number {
  names.forEach((name, k) => {
    Object.defineProperty(cls.prototype, name, {
      get(this: Slotted) {
        return this.s[this.b + k];
      },
      set(this: Slotted, v: number) {
        this.s[this.b + k] = v;
      },
      configurable: false,
      enumerable: true,
    });
  });
  return names.length;
}
