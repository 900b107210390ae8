// What a behaviour remembers (a table's creation time, a new bucket), kept per proxy: behaviours
// are shared objects, and a test file may run two proxies. Each proxy has its own emulator
// clients object in the context, which keys the state.
import type { BehaviourContext } from './types.js';

export function perProxy<T>(init: () => T): (ctx: BehaviourContext) => T {
  const states = new WeakMap<BehaviourContext['emulator'], T>();
  return (ctx) => {
    let state = states.get(ctx.emulator);
    if (state === undefined) {
      state = init();
      states.set(ctx.emulator, state);
    }
    return state;
  };
}
