/**
 * Command-line parsing shared by the `experiments/` entry points.
 *
 * Uses `node:util` `parseArgs`: `@std/cli` lives on JSR, which the build
 * machines cannot reach. This is the one place to swap it.
 *
 * Every config key is a flag (`--latentSteps 4`, `--model.latentSteps=4`,
 * or the paper's `--n 4 --T 2`); a flag that is neither a config key nor one
 * of the command's own flags is an error with a suggestion.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  type BackendInfo,
  type BackendName,
  type BlasMode,
  type NativeMode,
  useBackend,
} from "../backend/mod.ts";
import { ALIASES, type Config, configKeys, findKey, resolveConfig } from "./config.ts";

/** A command's own flags: name -> kind. */
export type FlagSpec = Record<string, "string" | "boolean">;

/** Flags every training-like command accepts. */
export const COMMON_FLAGS: FlagSpec = { preset: "string", out: "string", help: "boolean" };

/** Parsed command line: the command's flags, config overrides, positionals. */
export interface Parsed {
  flags: Record<string, string | boolean | undefined>;
  overrides: Record<string, string>;
  positionals: string[];
}

/** Parses `args` against the command's flags plus every config key. */
export function parseCommandLine(args: string[], own: FlagSpec = COMMON_FLAGS): Parsed {
  const keyNames = new Set<string>();
  for (const k of configKeys()) {
    keyNames.add(k);
    keyNames.add(k.split(".")[1]!);
  }
  for (const a of Object.keys(ALIASES)) keyNames.add(a);
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const k of keyNames) options[k] = { type: "string" };
  for (const [k, type] of Object.entries(own)) options[k] = { type };
  // `task` and `backend` are config keys that are also common command words.
  const { tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags: Parsed["flags"] = {};
  const overrides: Record<string, string> = {};
  const positionals: string[] = [];
  for (const t of tokens ?? []) {
    if (t.kind === "positional") positionals.push(t.value);
    else if (t.kind === "option") {
      if (t.name in own) {
        flags[t.name] = own[t.name] === "boolean" ? true : t.value;
        if (own[t.name] === "string" && t.value === undefined) {
          throw new Error(`--${t.name} needs a value`);
        }
      } else {
        findKey(t.name); // throws "unknown config key ... did you mean ..." for typos
        if (t.value === undefined) throw new Error(`--${t.name} needs a value`);
        overrides[t.name] = t.value;
      }
    }
  }
  return { flags, overrides, positionals };
}

/** Resolves the config a command line asks for (`--preset`, default `fallback`). */
export function configFromArgs(p: Parsed, fallback = "cpu"): Config {
  const preset = (p.flags.preset as string | undefined) ?? Deno.env.get("TRM_PRESET") ?? fallback;
  return resolveConfig(preset, p.overrides);
}

/**
 * Starts the backend named by `--backend` (else `TRM_BACKEND`, else wasm) with
 * `--threads` (default: one per core), for commands that load a checkpoint
 * instead of resolving a config.
 */
export function backendFromArgs(p: Parsed): Promise<BackendInfo> {
  return useBackend(p.overrides.backend as BackendName | undefined, {
    threads: Number(p.overrides.threads ?? 0),
    blas: (p.overrides.blas as BlasMode | undefined) ?? "auto",
    native: (p.overrides.native as NativeMode | undefined) ?? "auto",
  });
}

/** Runs a CLI main, printing errors as one clear line (no stack) and exiting non-zero. */
export async function runMain(main: () => Promise<number | void>): Promise<void> {
  try {
    Deno.exitCode = (await main()) ?? 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`error: ${msg}`);
    if (Deno.env.get("TRM_DEBUG") && e instanceof Error) console.error(e.stack);
    Deno.exitCode = 1;
  }
}

/**
 * An abort signal that the first Ctrl-C fires (printing `message`); a second
 * Ctrl-C kills as usual. Call `release()` when the guarded work is over.
 */
export function stopOnSigint(message: string): { signal: AbortSignal; release: () => void } {
  return stopOnSignals(message, ["SIGINT"]);
}

/**
 * As {@link stopOnSigint}, for any of `signals` (e.g. SIGTERM, which Slurm
 * sends a task it cancels or that runs out of time, before SIGKILL).
 */
export function stopOnSignals(
  message: string,
  signals: readonly Deno.Signal[],
): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const release = () => signals.forEach((s) => Deno.removeSignalListener(s, handlers.get(s)!));
  const handlers = new Map(signals.map((s) => [s, () => {
    console.error(`\n${s === "SIGINT" ? "interrupted" : `got ${s}`}: ${message}`);
    release();
    controller.abort();
  }]));
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  return { signal: controller.signal, release };
}
