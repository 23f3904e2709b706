/** Where the library makes its engines: one place, so every entry point checks `threads` the same way and closes what it made. */
import { Engine } from '../engine/engine.js';
import { threadsOf } from './options/checks.js';

/** An engine of `threads` worker threads (checked; none given: the engine's choice, up to every core). */
export function engineOf(threads: unknown): Engine {
  return new Engine(threads === undefined ? undefined : threadsOf(threads));
}

/** Run `use` with a fresh engine and always close it afterwards. */
export async function withEngine<T>(threads: unknown, use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = engineOf(threads);
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}
