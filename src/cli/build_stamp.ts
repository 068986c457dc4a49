/**
 * Build stamp. Release builds overwrite this file (scripts/build.ts) before
 * compiling; a source checkout reports 0.0.0-dev.
 *
 * @module
 */

/** Version, commit, build date and target of this build. */
export const BUILD_STAMP = {
  version: "0.0.0-dev",
  commit: "",
  buildDate: "",
  target: "",
};
