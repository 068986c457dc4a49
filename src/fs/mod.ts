/**
 * Filesystem edges: atomic writes, bounded reads, paths.
 *
 * @module
 */

export * from "./atomic.ts";
