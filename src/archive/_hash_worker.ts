/**
 * Hash worker: hashes one entry of an archive file per request, with exactly
 * the checks of the main thread (it runs the same {@link hashEntryData}). It
 * opens the archive itself and refuses to go on if the file is no longer the
 * one the main thread opened.
 *
 * `deno compile` needs `--include src/archive/_hash_worker.ts` to embed this
 * module; without it the pool fails to start and hashing stays on the main
 * thread.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { GaitError } from "../core/errors.ts";
import { type EntryData, hashEntryData } from "./_entry_data.ts";
import { type InflateEngine, setInflateEngine } from "./_inflate.ts";
import { type FileIdentity, fileIdentity, FileSource, invalid } from "./_source.ts";

/** A hash request from the main thread. */
export interface HashRequest {
  id: number;
  path: string;
  identity: FileIdentity;
  entry: EntryData;
  engine: InflateEngine;
}

/** The answer to a {@link HashRequest}. */
export type HashReply =
  | { id: number; ok: true; sha256: string; size: number }
  | { id: number; ok: false; category: GaitError["category"]; message: string };

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

async function handle(request: HashRequest): Promise<HashReply> {
  const { id, path, entry } = request;
  try {
    setInflateEngine(request.engine);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch {
      throw invalid(`zip archive ${entry.label} changed while it was being read`);
    }
    const source = new FileSource(file, request.identity.size, entry.label);
    try {
      if (!sameFile(fileIdentity(file.statSync()), request.identity)) {
        throw invalid(`zip archive ${entry.label} changed while it was being read`);
      }
      const { sha256, size } = await hashEntryData(source, entry);
      return { id, ok: true, sha256, size };
    } finally {
      source.close();
    }
  } catch (error) {
    if (error instanceof GaitError) {
      return { id, ok: false, category: error.category, message: error.message };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { id, ok: false, category: "internal_failure", message };
  }
}

if (parentPort !== null) {
  const port = parentPort;
  port.on("message", (request: HashRequest) => {
    handle(request).then((reply) => port.postMessage(reply));
  });
}
