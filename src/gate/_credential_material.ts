/**
 * Raw credential rejection (spec 02 §1.2 step 4): intents carry credential
 * references and digests, never secrets.
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";
import type { JsonValue } from "../core/json_value.ts";
import { goLower, goTrim, isGoSpace, utf8Length } from "./_text.ts";

const SUGGESTIVE_KEY = /token|secret|api[_-]?key|access[_-]?key|password|credential/;
const SAFE_SUFFIXES = [
  "_ref",
  "_refs",
  "_digest",
  "_digests",
  "_hash",
  "_issuer",
  "_source",
  "_type",
  "_ttl",
  "_ttl_seconds",
  "_id",
  "_ids",
  "_name",
  "_names",
  "_scope",
  "_scopes",
];
const REFERENCE_PREFIXES = ["env:", "stub:", "cmd:", "ref:", "sha256:"];
const SECRET_PREFIXES = ["ghp_", "gho_", "github_pat_", "sk-", "AKIA", "ASIA"];
const HEX64 = /^[0-9a-fA-F]{64}$/;
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** True when a key name suggests it holds credential material. */
export function keySuggestsCredential(key: string): boolean {
  const k = goLower(goTrim(key));
  if (!SUGGESTIVE_KEY.test(k)) return false;
  for (const suffix of SAFE_SUFFIXES) if (k.endsWith(suffix)) return false;
  return true;
}

/** True when a string is not a reference (`env:`, `ref:`, …) or a 64-hex digest. */
export function looksLikeSecretCandidate(value: string): boolean {
  const lower = goLower(value);
  for (const p of REFERENCE_PREFIXES) if (lower.startsWith(p)) return false;
  return !HEX64.test(value);
}

/** True when a string is raw credential material by the reference heuristics. */
export function isSecretValue(value: string): boolean {
  if (!looksLikeSecretCandidate(value)) return false;
  for (const p of SECRET_PREFIXES) if (value.startsWith(p)) return true;
  if (utf8Length(value) < 16) return false;
  for (let i = 0; i < value.length; i++) if (isGoSpace(value.charCodeAt(i))) return false;
  return LETTER.test(value) && DIGIT.test(value);
}

function rawCredentialError(path: string): GaitError {
  return new GaitError(
    "invalid_input",
    `normalize intent: ${path} must not contain raw credential material; use credential references or digests instead`,
  );
}

function scan(value: JsonValue, path: string, suggestive: boolean): void {
  if (typeof value === "string") {
    if (suggestive && isSecretValue(value)) throw rawCredentialError(path);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) scan(value[i]!, `${path}[${i}]`, suggestive);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      scan(value[key]!, `${path}.${key}`, keySuggestsCredential(key));
    }
  }
}

/**
 * Throws `<path> must not contain raw credential material; …` when a key that
 * suggests credential material holds a secret-looking string.
 */
export function rejectRawCredentials(value: JsonValue, path: string): void {
  scan(value, path, false);
}
