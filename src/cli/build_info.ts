/**
 * The version Gait reports and stamps into artifacts as `producer_version`.
 *
 * @module
 */

import { BUILD_STAMP } from "./build_stamp.ts";

/** Version, commit, build date and target of this build. */
export const BUILD_INFO = BUILD_STAMP;

/**
 * The stamped release version without a leading `v`, else `0.0.0-dev`.
 *
 * @example
 * ```ts
 * gaitVersion(); // "0.0.0-dev" in a source checkout
 * ```
 */
export function gaitVersion(): string {
  return BUILD_STAMP.version.replace(/^v/, "") || "0.0.0-dev";
}
