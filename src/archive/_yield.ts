/**
 * A turn of the event loop without a static `node:timers` import.
 *
 * `setTimeout(fn, 0)` is no substitute for `setImmediate`: Deno clamps it to
 * about 2 ms per call (measured on Deno 2.9.6; the first one in a process
 * even ~10 ms). Until a caller that loads `node:` modules anyway asks for
 * `setImmediate` ({@link loadNodeYield}; the hash pool does when it starts a
 * worker), a message through a fresh `MessageChannel` serves: a macrotask
 * too, ~30–60 µs, ports closed once it has arrived so an idle channel never
 * keeps the process alive. `setImmediate` is cheaper (~6–16 µs) and, unlike
 * the channel, lets node:worker_threads replies in: with the channel, hashing
 * with workers measured ~30% slower.
 *
 * @module
 */

type SetImmediate = (callback: () => void) => unknown;

let nodeSetImmediate: SetImmediate | undefined;

/**
 * Makes later yields use `node:timers`' `setImmediate`. For callers that
 * have loaded `node:` modules anyway (after the first, `node:timers` costs
 * ~0.4 ms).
 *
 * @example
 * ```ts
 * await loadNodeYield();
 * ```
 */
export async function loadNodeYield(): Promise<void> {
  nodeSetImmediate ??= (await import("node:timers")).setImmediate as unknown as SetImmediate;
}

/**
 * Resolves after the event loop has had a turn.
 *
 * @example
 * ```ts
 * await yieldToEventLoop();
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = nodeSetImmediate;
  if (immediate !== undefined) return new Promise((resolve) => void immediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
    port2.close();
  });
}
