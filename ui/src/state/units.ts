import { createSignal } from 'solid-js';
import type { Units } from '../core/units.ts';

const KEY = 'skysentinel.units';

/** Aviation units unless the operator switched to metric (remembered in the browser). */
export function createUnitsSlice(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null,
) {
  const [units, setUnitsSignal] = createSignal<Units>(
    storage?.getItem(KEY) === 'metric' ? 'metric' : 'aviation',
  );
  return {
    units,
    setUnits: (u: Units) => {
      setUnitsSignal(u);
      try {
        storage?.setItem(KEY, u);
      } catch {
        // Storage disabled: the choice holds for this page.
      }
    },
  };
}
export type UnitsSlice = ReturnType<typeof createUnitsSlice>;
