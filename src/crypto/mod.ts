/**
 * Ed25519 keys and signatures (spec 01 §2), on WebCrypto: key files and
 * environment values, key modes and sources, `key_id`, and signing and
 * verifying hex digests byte-compatibly with the Go tool.
 *
 * @module
 */

export * from "./base64.ts";
export * from "./key_material.ts";
export * from "./key_file.ts";
export * from "./key_source.ts";
export * from "./signature.ts";
