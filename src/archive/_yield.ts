/**
 * A turn of the event loop without `node:timers`.
 *
 * `setTimeout(fn, 0)` is no substitute for `setImmediate`: Deno clamps it to
 * about 2 ms per call (measured on Deno 2.9.6; the first one in a process
 * even ~10 ms). A message through a fresh `MessageChannel` is a macrotask
 * too, so pending I/O and worker replies are handled before it arrives, and
 * costs ~30–60 µs. The ports are closed once it has arrived, so an idle
 * channel never keeps the process alive.
 *
 * @module
 */

/**
 * Resolves after the event loop has had a turn.
 *
 * @example
 * ```ts
 * await yieldToEventLoop();
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
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
