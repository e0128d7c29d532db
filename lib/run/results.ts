/**
 * A study's tidy results table, one row per run, rebuilt from the run folders
 * (the source of truth) and written atomically as
 * `<results>/<study>/runs.parquet` and `runs.csv`.
 *
 * Columns: study, runId, status ("done" | "failed"), error ("" when done),
 * seed, backend, varied (the keys the study varies, comma-joined), every
 * other config leaf by its leaf name, exactAcc, tokenAcc, stepsUsed,
 * exactAtHalt (held-out, from summary.json), rawExactAcc (the raw weights
 * beside EMA, with `evalRaw`), trainSetExactAcc (the first `evalTrain`
 * training puzzles), bestExactAcc and bestStep (the best evaluation, final
 * included), rawBestExactAcc (the raw weights' best), trainSteps, wallSec, tokensPerSec, params, and runDir (relative to the results root, e.g.
 * `runs/sudoku4-1a2b3c4d`). Failed runs have null metrics; runs never
 * attempted or interrupted have no row.
 *
 * @module
 */
import pl from "nodejs-polars";
import { flattenConfig, resolveConfig } from "./config.ts";
import { PRESETS } from "./presets.ts";
import type { PlannedRun } from "./study.ts";
import { readFailure, readSummary } from "./sweep.ts";
import { countParameters } from "../model/init.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** One table row. */
export type ResultRow = Record<string, string | number | boolean | null>;

/** The held-out metrics taken from summary.json's `test`. */
export const TEST_METRICS = ["exactAcc", "tokenAcc", "stepsUsed", "exactAtHalt"] as const;
/** Columns before the config leaves. */
const HEAD = ["study", "runId", "status", "error", "seed", "backend", "varied"];
/** Columns after them; all but params are null for failed runs. */
const TAIL = [
  ...TEST_METRICS,
  "rawExactAcc",
  "trainSetExactAcc",
  "bestExactAcc",
  "bestStep",
  "rawBestExactAcc",
  "trainSteps",
  "wallSec",
  "tokensPerSec",
  "params",
  "runDir",
];
const INT_COLUMNS = new Set(["trainSteps", "params", "bestStep"]);

/**
 * Leaves that are integers in every preset (layers, seed, batchSize...): stored
 * as Int64 when every row agrees, so the CSV says 4, not 4.0.
 */
const INT_LEAVES: Set<string> = (() => {
  const flats = PRESETS.map((p) => flattenConfig(resolveConfig(p)));
  return new Set(Object.keys(flats[0]!).filter((k) => flats.every((f) => Number.isInteger(f[k]))));
})();

/** The table's column names for a plan, in order. */
export function columnsFor(plan: readonly PlannedRun[]): string[] {
  const leaves = plan.length ? Object.keys(flattenConfig(plan[0]!.config)) : [];
  const clash = leaves.filter((k) =>
    TAIL.includes(k) || ["study", "runId", "status", "error", "varied"].includes(k)
  );
  if (clash.length) throw new Error(`config leaves clash with result columns: ${clash.join(", ")}`);
  return [...HEAD, ...leaves.filter((k) => !HEAD.includes(k)), ...TAIL];
}

/** The row of one run from its folder, or undefined if it has neither finished nor failed. */
export async function readRow(
  results: string,
  run: PlannedRun,
  opts: { study: string; varied: readonly string[] },
): Promise<ResultRow | undefined> {
  const dir = `${results}/${run.runDir}`;
  const summary = await readSummary(dir);
  const failure = summary ? undefined : await readFailure(dir);
  if (!summary && !failure) return undefined;
  const leaves = flattenConfig(run.config);
  const metric = (v: number | undefined) => (summary && Number.isFinite(v) ? v! : null);
  return {
    study: opts.study,
    runId: run.runId,
    status: summary ? "done" : "failed",
    error: failure?.error ?? "",
    varied: opts.varied.join(","),
    ...leaves,
    ...Object.fromEntries(TEST_METRICS.map((k) => [k, metric(summary?.test[k])])),
    rawExactAcc: metric(summary?.testRaw?.exactAcc),
    trainSetExactAcc: metric(summary?.trainSet?.exactAcc),
    bestExactAcc: metric(summary?.best?.exactAcc),
    bestStep: metric(summary?.best?.step),
    rawBestExactAcc: metric(summary?.bestRaw?.exactAcc),
    trainSteps: metric(summary?.step),
    wallSec: metric(summary?.wallSec),
    tokensPerSec: metric(summary?.tokensPerSec),
    params: summary?.params ?? countParameters(run.config.model),
    runDir: run.runDir,
  };
}

/** Builds the table with a fixed schema (from the plan), so an empty table has its columns too. */
export function toFrame(rows: readonly ResultRow[], plan: readonly PlannedRun[]): pl.DataFrame {
  const sample = plan.length ? flattenConfig(plan[0]!.config) : {};
  return pl.DataFrame(
    columnsFor(plan).map((name) => {
      const col = rows.map((r) => r[name] ?? null);
      const kind = name in sample ? typeof sample[name] : undefined;
      const ints = INT_COLUMNS.has(name) ||
        (INT_LEAVES.has(name) &&
          plan.every((p) => Number.isInteger(flattenConfig(p.config)[name])));
      const dtype = ints ? pl.Int64 : kind === "boolean" ? pl.Bool : kind === "string" ||
          ["study", "runId", "status", "error", "varied", "runDir"].includes(name)
        ? pl.Utf8
        : pl.Float64;
      return pl.Series(name, col, dtype);
    }),
  );
}

/** Writes `<dir>/runs.parquet` and `<dir>/runs.csv`, each by temp file and rename. */
export async function writeTable(dir: string, df: pl.DataFrame): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${dir}/runs.parquet`, new Uint8Array(df.writeParquet()));
  await writeFileAtomic(`${dir}/runs.csv`, new Uint8Array(df.writeCSV()));
}

/** Rebuilds a study's table from its run folders and writes it; returns it. */
export async function writeStudyTable(
  results: string,
  plan: readonly PlannedRun[],
  opts: { study: string; varied: readonly string[] },
): Promise<pl.DataFrame> {
  const rows: ResultRow[] = [];
  for (const run of plan) {
    const row = await readRow(results, run, opts);
    if (row) rows.push(row);
  }
  const df = toFrame(rows, plan);
  await writeTable(`${results}/${opts.study}`, df);
  return df;
}

/** Reads a study's table back (`results/<study>/runs.parquet`). */
export function readStudyTable(results: string, study: string): pl.DataFrame {
  const path = `${results}/${study}/runs.parquet`;
  try {
    return pl.readParquet(path);
  } catch (e) {
    throw new Error(
      `cannot read ${path} (run \`deno task sweep ${study}\` first): ${(e as Error).message}`,
    );
  }
}
