/**
 * The ticket footer that links a runpack from a ticket or PR (spec 01 §4.4).
 *
 * @module
 */

import { GaitError } from "../core/errors.ts";

/** The footer contract; groups 1 and 3 must be equal. */
export const TICKET_FOOTER_PATTERN =
  /^GAIT run_id=([A-Za-z0-9_-]+) manifest=sha256:([a-f0-9]{64}) verify="gait verify ([A-Za-z0-9_-]+)"$/;

/**
 * Builds the footer for a run id and manifest digest.
 *
 * @example
 * ```ts
 * ticketFooter("run_demo", "ab".repeat(32));
 * // 'GAIT run_id=run_demo manifest=sha256:abab… verify="gait verify run_demo"'
 * ```
 */
export function ticketFooter(runId: string, manifestDigest: string): string {
  return `GAIT run_id=${runId} manifest=sha256:${manifestDigest} verify="gait verify ${runId}"`;
}

/**
 * True when a footer satisfies the contract.
 *
 * @example
 * ```ts
 * isValidTicketFooter(ticketFooter("run_demo", "ab".repeat(32))); // true
 * ```
 */
export function isValidTicketFooter(footer: string): boolean {
  const m = TICKET_FOOTER_PATTERN.exec(footer);
  return m !== null && m[1] === m[3];
}

/**
 * Builds a footer and checks it against the contract (exit 1 when it fails,
 * e.g. a run id with characters outside `[A-Za-z0-9_-]`).
 *
 * @example
 * ```ts
 * checkedTicketFooter("run_demo", "ab".repeat(32));
 * ```
 */
export function checkedTicketFooter(runId: string, manifestDigest: string): string {
  const footer = ticketFooter(runId, manifestDigest);
  if (!isValidTicketFooter(footer)) {
    throw new GaitError("internal_failure", "ticket footer contract validation failed");
  }
  return footer;
}
