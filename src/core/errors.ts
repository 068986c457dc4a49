/**
 * Error categories and exit codes (spec 01 §0, spec 03 §1). Domain code throws
 * {@link GaitError} with a category; only the CLI maps it to an exit code.
 *
 * @module
 */

/** Process exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  verificationFailed: 2,
  policyBlocked: 3,
  approvalRequired: 4,
  regressFailed: 5,
  invalidInput: 6,
  dependencyMissing: 7,
  unsafeOperation: 8,
} as const;

/** One of the exit codes 0–8. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Error categories of the JSON error envelope. */
export type ErrorCategory =
  | "invalid_input"
  | "verification_failed"
  | "policy_blocked"
  | "approval_required"
  | "dependency_missing"
  | "unsafe_operation"
  | "regress_failed"
  | "io_failure"
  | "state_contention"
  | "network_transient"
  | "network_permanent"
  | "internal_failure";

const CATEGORY_EXIT: Record<ErrorCategory, ExitCodeValue> = {
  invalid_input: 6,
  verification_failed: 2,
  policy_blocked: 3,
  approval_required: 4,
  dependency_missing: 7,
  unsafe_operation: 8,
  regress_failed: 5,
  io_failure: 1,
  state_contention: 1,
  network_transient: 1,
  network_permanent: 1,
  internal_failure: 1,
};

/**
 * An expected failure with a category that decides its exit code.
 *
 * @example
 * ```ts
 * throw new GaitError("invalid_input", "runpack not found: x.zip");
 * ```
 */
export class GaitError extends Error {
  /** The envelope category. */
  readonly category: ErrorCategory;
  /** An optional replacement for the default hint of the exit code. */
  readonly hint?: string;
  /** Extra fields merged into the JSON error output (never overwriting). */
  readonly details?: Record<string, unknown>;

  constructor(
    category: ErrorCategory,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GaitError";
    this.category = category;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details !== undefined) this.details = options.details;
  }

  /** The exit code of this error's category. */
  get exitCode(): ExitCodeValue {
    return CATEGORY_EXIT[this.category];
  }
}

/**
 * Shorthand for an `invalid_input` error (exit 6).
 *
 * @example
 * ```ts
 * throw invalidInput("missing --input");
 * ```
 */
export function invalidInput(message: string, cause?: unknown): GaitError {
  return new GaitError("invalid_input", message, { cause });
}

/**
 * Shorthand for a `verification_failed` error (exit 2).
 *
 * @example
 * ```ts
 * throw verificationFailed("zip contains duplicate entries: a.json");
 * ```
 */
export function verificationFailed(message: string, cause?: unknown): GaitError {
  return new GaitError("verification_failed", message, { cause });
}

/**
 * The exit code for a category.
 *
 * @example
 * ```ts
 * exitCodeForCategory("invalid_input"); // 6
 * ```
 */
export function exitCodeForCategory(category: ErrorCategory): ExitCodeValue {
  return CATEGORY_EXIT[category];
}

/**
 * The exit code of any thrown value: a GaitError's category, else the
 * reference tool's heuristic (a lower-cased message containing "lock",
 * "contention" or "timeout" exits 1), else the command's fallback.
 *
 * @example
 * ```ts
 * exitCodeForError(new Error("lock timeout"), 6); // 1
 * ```
 */
export function exitCodeForError(error: unknown, fallback: ExitCodeValue = 6): ExitCodeValue {
  if (error instanceof GaitError) return error.exitCode;
  const message = errorMessage(error).toLowerCase();
  if (message.includes("lock") || message.includes("contention") || message.includes("timeout")) {
    return 1;
  }
  return fallback;
}

/**
 * A one-line message for any thrown value.
 *
 * @example
 * ```ts
 * errorMessage(new Error("boom")); // "boom"
 * ```
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s*\n\s*/g, " ").trim();
  return String(error);
}

interface EnvelopeDefaults {
  code: string;
  category: ErrorCategory;
  hint: string;
}

const ENVELOPE: Record<number, EnvelopeDefaults> = {
  6: {
    code: "invalid_input",
    category: "invalid_input",
    hint: "check command usage and input schema",
  },
  2: {
    code: "verification_failed",
    category: "verification_failed",
    hint: "re-run verify after checking artifact integrity",
  },
  3: {
    code: "policy_blocked",
    category: "policy_blocked",
    hint: "inspect reason_codes and adjust policy or intent",
  },
  4: {
    code: "approval_required",
    category: "approval_required",
    hint: "provide a valid approval token and retry",
  },
  7: {
    code: "dependency_missing",
    category: "dependency_missing",
    hint: "install or configure the missing dependency and retry",
  },
  8: {
    code: "unsafe_operation",
    category: "internal_failure",
    hint: "pass explicit unsafe flags only for approved replay paths",
  },
  5: {
    code: "regress_failed",
    category: "internal_failure",
    hint: "retry after checking local environment and logs",
  },
};

const INTERNAL: EnvelopeDefaults = {
  code: "internal_failure",
  category: "internal_failure",
  hint: "retry after checking local environment and logs",
};

/**
 * Adds the error envelope keys (`error_code`, `error_category`, `retryable`,
 * `hint`) to a JSON output that has a non-empty `error`, never overwriting keys
 * already present.
 *
 * @example
 * ```ts
 * applyErrorEnvelope({ ok: false, error: "bad" }, 6).error_code; // "invalid_input"
 * ```
 */
export function applyErrorEnvelope(
  output: Record<string, unknown>,
  exitCode: number,
  category?: ErrorCategory,
): Record<string, unknown> {
  if (typeof output.error !== "string" || output.error === "") return output;
  const defaults = ENVELOPE[exitCode] ?? INTERNAL;
  const effectiveCategory = category ?? defaults.category;
  const out = { ...output };
  if (!("error_code" in out)) out.error_code = defaults.code;
  if (!("error_category" in out)) out.error_category = effectiveCategory;
  if (!("retryable" in out)) {
    out.retryable = effectiveCategory === "network_transient" ||
      effectiveCategory === "state_contention";
  }
  if (!("hint" in out)) out.hint = defaults.hint;
  return out;
}
