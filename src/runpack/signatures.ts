/**
 * The signature part of every manifest verification (runpacks, PackSpec packs,
 * guard packs; spec 01 §4.3 step 6): one status, one error list, one rule for
 * whether it passes.
 *
 * @module
 */

/** Checks one signature against a recomputed digest: null when valid, else the error. */
export type SignatureChecker = (signature: unknown, digestHex: string) => Promise<string | null>;

/** `missing`, `skipped`, `verified` or `failed`. */
export type SignatureStatus = "missing" | "skipped" | "verified" | "failed";

/** Options of {@link checkManifestSignatures}. */
export interface ManifestSignatureOptions {
  /** Fail unless a signature verifies. */
  requireSignature?: boolean;
  /** The checker; absent when no verify key is configured. */
  checkSignature?: SignatureChecker;
  /** The error when signatures are required but there are none. */
  missingMessage: string;
  /** Also report "signature verification failed" when every signature fails (PackSpec). */
  reportAllFailed?: boolean;
}

/** What the signature checks found (errors in check order, unsorted). */
export interface ManifestSignatureResult {
  status: SignatureStatus;
  errors: string[];
  total: number;
  valid: number;
}

/**
 * Checks a manifest's signatures: `missing` when there are none, `skipped`
 * without a key, else `verified` when at least one is valid and `failed`
 * otherwise. The signable digest is computed only when there is something to
 * check.
 *
 * @example
 * ```ts
 * const r = await checkManifestSignatures([], () => digest, { missingMessage: "manifest has no signatures" });
 * r.status; // "missing"
 * ```
 */
export async function checkManifestSignatures(
  signatures: readonly unknown[],
  signableDigest: () => string,
  options: ManifestSignatureOptions,
): Promise<ManifestSignatureResult> {
  const errors: string[] = [];
  if (signatures.length === 0) {
    if (options.requireSignature) errors.push(options.missingMessage);
    return { status: "missing", errors, total: 0, valid: 0 };
  }
  if (!options.checkSignature) {
    errors.push("public key not configured");
    return { status: "skipped", errors, total: signatures.length, valid: 0 };
  }
  const digest = signableDigest();
  let valid = 0;
  for (const signature of signatures) {
    const error = await options.checkSignature(signature, digest);
    if (error === null) valid++;
    else errors.push(error);
  }
  if (valid === 0 && options.reportAllFailed && !errors.includes("signature verification failed")) {
    errors.push("signature verification failed");
  }
  return { status: valid > 0 ? "verified" : "failed", errors, total: signatures.length, valid };
}

/**
 * Whether a signature status passes: `verified` when signatures are required,
 * anything but `failed` otherwise.
 *
 * @example
 * ```ts
 * signatureStatusPasses("skipped", false); // true
 * ```
 */
export function signatureStatusPasses(status: SignatureStatus, required: boolean): boolean {
  return required ? status === "verified" : status !== "failed";
}
