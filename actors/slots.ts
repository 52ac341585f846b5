/**
 * Numeric state in a shared Float64Array. A double in an ordinary object field lives in its own
 * heap box (V8 with pointer compression does not unbox doubles), so a class with ten number fields
 * costs ten extra objects per aircraft. `defineSlots` turns declared fields into accessors over
 * `this.s[this.b + k]` instead: the code still reads `this.lastTsMs`, the data sits in one array
 * per aircraft (AircraftCore hands each part its offset), and V8 inlines the accessors.
 */
export interface Slotted {
  readonly s: Float64Array;
  readonly b: number;
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
