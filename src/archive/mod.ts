/**
 * Zip archives: the deterministic writer every artifact goes through, and the
 * hardened reader that verifies them without extracting anything (spec 01 §3).
 *
 * @module
 */

export * from "./zip_writer.ts";
export * from "./zip_reader.ts";
