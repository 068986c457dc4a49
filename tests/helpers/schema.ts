/**
 * Validates documents against Gait's own JSON Schemas (schemas/v1) with a real
 * JSON Schema 2020-12 validator.
 *
 * @module
 */

import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { REPO_ROOT } from "./cli.ts";

// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ allErrors: true, strict: true, allowUnionTypes: true });
// deno-lint-ignore no-explicit-any
(addFormats as any)(ajv);
// deno-lint-ignore no-explicit-any
const compiled = new Map<string, (doc: unknown) => boolean & { errors?: any }>();

/**
 * Throws with the validator's errors when `doc` does not match
 * `schemas/v1/<name>.schema.json`.
 *
 * @example
 * ```ts
 * await assertMatchesSchema("runpack/manifest", manifest);
 * ```
 */
export async function assertMatchesSchema(name: string, doc: unknown): Promise<void> {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(
      await Deno.readTextFile(`${REPO_ROOT}/schemas/v1/${name}.schema.json`),
    );
    validate = ajv.compile(schema);
    compiled.set(name, validate!);
  }
  // deno-lint-ignore no-explicit-any
  const fn = validate as any;
  if (!fn(doc)) {
    throw new Error(`${name}: ${JSON.stringify(fn.errors, null, 2)}\n${JSON.stringify(doc)}`);
  }
}
