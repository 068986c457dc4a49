/**
 * Command table entries for replay, diff, receipt, reduce, capture and
 * regress (spec 03 §3.3–§3.7, §4): metadata only, handlers load lazily.
 *
 * @module
 */

import type { CommandDef } from "./command.ts";
import type { FlagSpec } from "./flags.ts";
import { loadCommand } from "./_load_command.ts";

const fromRunpack: FlagSpec = {
  name: "from",
  kind: "string",
  usage: "run id or runpack path",
  placeholder: "run_id|path",
};

/** `run replay`, `run diff`, `run receipt`, `run reduce`. */
export const RUN_REPLAY_DIFF_COMMANDS: CommandDef[] = [
  {
    path: ["run", "replay"],
    summary: "replay a runpack deterministically (stub mode; no tool runs)",
    synopsis: "gait run replay <run_id|path> [--json]\n" +
      "       gait run replay <run_id|path> --real-tools --unsafe-real-tools --allow-tools <csv> [--json]",
    description:
      "Stub mode (default) answers each intent from its recorded result, a deterministic stub\n" +
      "(http, file, db, queue tools) or reports it as a missing result (exit 2). Nothing is executed.\n" +
      "Real mode needs --real-tools, --unsafe-real-tools, --allow-tools and GAIT_ALLOW_REAL_REPLAY=1\n" +
      "(exit 8 otherwise) and a capture_mode=raw runpack; it runs echo and file.write tools only.",
    flags: [
      { name: "real-tools", kind: "bool", usage: "execute allow-listed tools for real (unsafe)" },
      {
        name: "unsafe-real-tools",
        kind: "bool",
        usage: "confirm real tool execution (required with --real-tools)",
      },
      {
        name: "allow-tools",
        kind: "string",
        usage: "comma-separated tool names that may run for real",
        placeholder: "csv",
      },
      {
        name: "unsafe-real-tools-env",
        kind: "string",
        default: "GAIT_ALLOW_REAL_REPLAY",
        usage: "environment variable that must be 1 for real replay",
        placeholder: "VAR",
      },
    ],
    maxPositionals: 1,
    load: () => loadCommand("run_replay.ts"),
  },
  {
    path: ["run", "diff"],
    summary: "diff two runpacks or two session chains",
    synopsis:
      "gait run diff <left> <right> [--privacy full|metadata] [--output diff.json] [--json]",
    description:
      "Compares manifests, declared files, intents, results and context refs (exit 2 when anything\n" +
      "changed). Two .json arguments are compared as session chains, checkpoint by checkpoint.",
    flags: [
      {
        name: "privacy",
        kind: "string",
        default: "full",
        usage: "full compares payloads; metadata compares digests and counts only",
        placeholder: "full|metadata",
      },
      {
        name: "output",
        kind: "string",
        usage: "also write {privacy, summary} as compact JSON to this file",
        placeholder: "path",
      },
    ],
    maxPositionals: 2,
    load: () => loadCommand("run_diff.ts"),
  },
  {
    path: ["run", "receipt"],
    summary: "print the ticket footer of a verified runpack",
    synopsis:
      "gait run receipt --from <run_id|path> [--json]\n       gait run receipt <run_id|path> [--json]",
    flags: [fromRunpack],
    maxPositionals: 1,
    load: () => loadCommand("run_receipt.ts"),
  },
  {
    path: ["run", "reduce"],
    summary: "reduce a failing run to the smallest runpack that still fails",
    synopsis:
      "gait run reduce --from <run_id|path> [--predicate missing_result|non_ok_status] [--out path] [--report-out path] [--json]",
    flags: [
      fromRunpack,
      {
        name: "predicate",
        kind: "string",
        default: "missing_result",
        usage: "what failing means: missing_result or non_ok_status",
        placeholder: "missing_result|non_ok_status",
      },
      {
        name: "out",
        kind: "string",
        usage: "reduced runpack path (default <dir>/runpack_<run_id>_reduced_<predicate>.zip)",
        placeholder: "path",
      },
      {
        name: "report-out",
        kind: "string",
        usage: "reduce report path (default <out>.reduce_report.json)",
        placeholder: "path",
      },
    ],
    maxPositionals: 1,
    load: () => loadCommand("run_reduce.ts"),
  },
];

/** `capture`. */
export const CAPTURE_COMMAND: CommandDef = {
  path: ["capture"],
  summary: "record a verified source as a capture receipt for regress add",
  synopsis:
    "gait capture --from <run_id|runpack.zip|trace.json|session_chain.json> [--checkpoint latest|<n>] [--out gait-out/capture.json] [--json]",
  flags: [
    {
      name: "from",
      kind: "string",
      usage: "run id, runpack or pack zip, trace record, or session chain",
      placeholder: "source",
    },
    {
      name: "checkpoint",
      kind: "string",
      default: "latest",
      usage: "session-chain checkpoint: latest or an index",
      placeholder: "latest|n",
    },
    {
      name: "out",
      kind: "string",
      default: "gait-out/capture.json",
      usage: "capture receipt path",
      placeholder: "path",
    },
    { name: "save-as", kind: "string", usage: "deprecated: use --out", placeholder: "path" },
  ],
  maxPositionals: 1,
  load: () => loadCommand("capture.ts"),
};

const initFlags: FlagSpec[] = [
  {
    name: "from",
    kind: "string",
    usage: "run id, runpack or pack zip, or session chain",
    placeholder: "source",
  },
  {
    name: "checkpoint",
    kind: "string",
    default: "latest",
    usage: "session-chain checkpoint: latest or an index",
    placeholder: "latest|n",
  },
  {
    name: "name",
    kind: "string",
    usage: "fixture name (default: derived from the run id)",
    placeholder: "name",
  },
];

const runFlags: FlagSpec[] = [
  {
    name: "config",
    kind: "string",
    default: "gait.yaml",
    usage: "regress config (JSON)",
    placeholder: "path",
  },
  {
    name: "output",
    kind: "string",
    default: "regress_result.json",
    usage: "result file",
    placeholder: "path",
  },
  { name: "junit", kind: "string", usage: "also write JUnit XML here", placeholder: "path" },
  {
    name: "context-conformance",
    kind: "bool",
    usage: "enforce context conformance for every fixture",
  },
  {
    name: "allow-context-runtime-drift",
    kind: "bool",
    usage: "accept runtime-only context drift (context_set_digest, retrieved_at)",
  },
  {
    name: "allow-nondeterministic",
    kind: "bool",
    usage: "accepted for compatibility; has no effect",
  },
];

/** `regress init|add|bootstrap|run` (not reordered: a positional ends the flags). */
export const REGRESS_COMMANDS: CommandDef[] = [
  {
    path: ["regress", "init"],
    summary: "turn a run into a fixture and (re)write gait.yaml",
    synopsis: "gait regress init --from <run_id|path|session_chain.json> [--name N] [--json]",
    flags: initFlags,
    reorder: false,
    load: () => loadCommand("regress.ts", "runInit"),
  },
  {
    path: ["regress", "add"],
    summary: "add a fixture from a run or a capture receipt",
    synopsis:
      "gait regress add --from <capture.json|run_id|path|session_chain.json> [--name N] [--json]",
    flags: initFlags,
    reorder: false,
    load: () => loadCommand("regress.ts", "runAdd"),
  },
  {
    path: ["regress", "bootstrap"],
    summary: "init a fixture from a run, then run the graders",
    synopsis: "gait regress bootstrap --from <run_id|path> [init flags] [run flags] [--json]",
    flags: [...initFlags, ...runFlags],
    reorder: false,
    load: () => loadCommand("regress.ts", "runBootstrap"),
  },
  {
    path: ["regress", "run"],
    summary: "run every fixture's graders (exit 5 on regression)",
    synopsis:
      "gait regress run [--config gait.yaml] [--output regress_result.json] [--junit path] [--json]",
    description:
      "Graders per fixture: schema_validation, expected_exit_code, trajectory, diff, and\n" +
      "context_conformance (when requested or declared). Exit 0 when all pass, 5 when any fails.",
    flags: runFlags,
    reorder: false,
    load: () => loadCommand("regress.ts", "runRun"),
  },
];
