import { deepStrictEqual as eq } from "node:assert/strict";
import { checkManifestSignatures, signatureStatusPasses } from "../../src/runpack/signatures.ts";

const never = () => {
  throw new Error("the digest must not be computed when there is nothing to check");
};
const checker = (sig: unknown) => Promise.resolve(sig === "good" ? null : "key id mismatch");

Deno.test("signatures: none → missing; the required message only when signatures are required", async () => {
  eq(await checkManifestSignatures([], never, { missingMessage: "m" }), {
    status: "missing",
    errors: [],
    total: 0,
    valid: 0,
  });
  eq(
    (await checkManifestSignatures([], never, { missingMessage: "m", requireSignature: true }))
      .errors,
    ["m"],
  );
});

Deno.test("signatures: present without a key → skipped with 'public key not configured'", async () => {
  eq(await checkManifestSignatures(["good"], never, { missingMessage: "m" }), {
    status: "skipped",
    errors: ["public key not configured"],
    total: 1,
    valid: 0,
  });
});

Deno.test("signatures: one valid → verified; all invalid → failed (+ summary only when asked)", async () => {
  const mixed = await checkManifestSignatures(["bad", "good"], () => "d", {
    missingMessage: "m",
    checkSignature: checker,
  });
  eq([mixed.status, mixed.valid, mixed.total, mixed.errors], ["verified", 1, 2, [
    "key id mismatch",
  ]]);
  const bad = await checkManifestSignatures(["bad"], () => "d", {
    missingMessage: "m",
    checkSignature: checker,
  });
  eq([bad.status, bad.errors], ["failed", ["key id mismatch"]]);
  const summary = await checkManifestSignatures(["bad"], () => "d", {
    missingMessage: "m",
    checkSignature: checker,
    reportAllFailed: true,
  });
  eq(summary.errors, ["key id mismatch", "signature verification failed"]);
});

Deno.test("signatures: required means verified; otherwise anything but failed passes", () => {
  eq(
    ["missing", "skipped", "verified", "failed"].map((s) =>
      signatureStatusPasses(s as never, true)
    ),
    [
      false,
      false,
      true,
      false,
    ],
  );
  eq(
    ["missing", "skipped", "verified", "failed"].map((s) =>
      signatureStatusPasses(s as never, false)
    ),
    [
      true,
      true,
      true,
      false,
    ],
  );
});
