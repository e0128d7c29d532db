/**
 * Reading what sweeps wrote: `results/<study>/runs.{parquet,csv}` (one tidy
 * row per run) and, through each row's `runDir`, the run's `metrics.jsonl`.
 * Analysis reads these files only; it never trains.
 *
 * @module
 */
import pl from "nodejs-polars";
import { effectiveDepth } from "../model/config.ts";
import type { Leaf } from "./paper.ts";

/** Where the results tree is. */
export interface ResultsOptions {
  /** The results folder, as the sweep's `--results` (default "results"). */
  results?: string;
}

/** Columns every runs table must have. */
export const REQUIRED_COLUMNS = ["study", "runId", "status", "seed", "varied", "exactAcc"] as const;

/** Paper symbols for config leaves, used in labels and axis titles. */
export const SYMBOLS: Readonly<Record<string, string>> = {
  latentSteps: "n",
  recursions: "T",
  supervisionSteps: "N_sup",
  hiddenSize: "D",
};

/** Studies under the results folder that have a runs table, sorted. */
export async function listStudies(opts: ResultsOptions = {}): Promise<string[]> {
  const dir = opts.results ?? "results";
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.isDirectory) continue;
    if (await runsFile(`${dir}/${e.name}`)) out.push(e.name);
  }
  return out.sort();
}

async function runsFile(dir: string): Promise<string | undefined> {
  for (const name of ["runs.parquet", "runs.csv"]) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch { /* try the next */ }
  }
  return undefined;
}

/**
 * Loads one study's runs (Parquet preferred: it keeps types; else CSV), checks
 * the required columns and adds `depth` = T·(n+1)·layers when those columns exist.
 */
export async function loadRuns(study: string, opts: ResultsOptions = {}): Promise<pl.DataFrame> {
  const dir = `${opts.results ?? "results"}/${study}`;
  const path = await runsFile(dir);
  if (!path) throw new Error(`no runs table for study "${study}": expected ${dir}/runs.csv`);
  let df: pl.DataFrame;
  try {
    df = path.endsWith(".parquet")
      ? pl.readParquet(path)
      : pl.readCSV(await Deno.readTextFile(path), { inferSchemaLength: 10_000 });
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : e}`);
  }
  return checkRuns(df, path);
}

/** Checks a runs table's columns (naming `source` in errors) and adds `depth`. */
export function checkRuns(df: pl.DataFrame, source = "runs table"): pl.DataFrame {
  const missing = REQUIRED_COLUMNS.filter((c) => !df.columns.includes(c));
  if (missing.length) {
    throw new Error(`${source} lacks column(s) ${missing.map((c) => `"${c}"`).join(", ")}`);
  }
  if (!["layers", "latentSteps", "recursions"].every((c) => df.columns.includes(c))) return df;
  const rows = df.select("recursions", "latentSteps", "layers").toRecords();
  const depth = rows.map((r) =>
    r.recursions == null || r.latentSteps == null || r.layers == null ? null : effectiveDepth({
      recursions: Number(r.recursions),
      latentSteps: Number(r.latentSteps),
      layers: Number(r.layers),
    })
  );
  // Float64, as polars gave it when it computed the column itself.
  return df.withColumns(pl.Series("depth", depth, pl.Float64));
}

/** Runs that finished (status "done"). */
export function doneRuns(df: pl.DataFrame): pl.DataFrame {
  return df.filter(pl.col("status").eq(pl.lit("done")));
}

/** The config keys the study varies, in the order the sweep lists them. */
export function variedKeys(df: pl.DataFrame): string[] {
  const keys: string[] = [];
  for (const v of df.getColumn("varied").toArray() as (string | null)[]) {
    for (const k of (v ?? "").split(",").map((s) => s.trim())) {
      if (k && !keys.includes(k)) keys.push(k);
    }
  }
  return keys.filter((k) => df.columns.includes(k));
}

/** "n=6, T=3": a group's varied values with paper symbols. */
export function variantLabel(values: Record<string, unknown>, keys: readonly string[]): string {
  return keys.map((k) => `${SYMBOLS[k] ?? k}=${values[k]}`).join(", ") || "all runs";
}

/**
 * A run's metrics.jsonl: `runDir` is relative to the results folder (the
 * sweep writes `runs/<runId>`); a path from the repository root
 * (`results/runs/<runId>`) is accepted too.
 */
async function metricsPath(results: string, runDir: string): Promise<string> {
  const parent = results.includes("/") ? results.slice(0, results.lastIndexOf("/")) : ".";
  const tries = [`${results}/${runDir}/metrics.jsonl`, `${parent}/${runDir}/metrics.jsonl`];
  for (const path of tries) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch { /* try the next */ }
  }
  throw new Error(`no metrics.jsonl for run folder "${runDir}" (looked at ${tries.join(", ")})`);
}

/** One metric value of a run at one step, for learning curves. */
export interface CurvePoint {
  runId: string;
  seed: number;
  /** The run's varied values, e.g. "n=6, T=3". */
  variant: string;
  step: number;
  /**
   * "train" (training log lines), "eval" (held-out evaluations, the final one
   * included), "evalRaw" (the same, raw weights beside EMA), "trainSet" (the
   * evaluations on training puzzles), or "supervision": the final evaluation's
   * exact accuracy after each supervision step, with `step` the supervision
   * step (1..N_sup).
   */
  split: "train" | "eval" | "evalRaw" | "trainSet" | "supervision";
  metric: string;
  value: number;
}

/**
 * Reads every done run's metrics.jsonl into long-format points (numeric
 * fields only). A torn last line (a killed run) is skipped; any other bad
 * line is an error naming the file and line.
 */
export async function loadCurves(
  runs: pl.DataFrame,
  opts: ResultsOptions = {},
): Promise<CurvePoint[]> {
  const keys = variedKeys(runs);
  const out: CurvePoint[] = [];
  for (const row of doneRuns(runs).toRecords() as Record<string, Leaf | null>[]) {
    const path = await metricsPath(opts.results ?? "results", String(row.runDir));
    const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim());
    const base = {
      runId: String(row.runId),
      seed: Number(row.seed),
      variant: variantLabel(row, keys),
    };
    for (const [i, line] of lines.entries()) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        if (i === lines.length - 1) continue;
        throw new Error(`${path}:${i + 1}: not a JSON line`);
      }
      const split = rec.kind === "eval" || rec.kind === "final" ? "eval" : "train";
      if (typeof rec.step !== "number") throw new Error(`${path}:${i + 1}: no numeric "step"`);
      for (const [metric, value] of Object.entries(rec)) {
        if (metric === "step" || typeof value !== "number") continue;
        out.push({ ...base, step: rec.step, split, metric, value });
      }
      for (const [key, nested] of [["evalRaw", rec.raw], ["trainSet", rec.trainSet]] as const) {
        if (split !== "eval" || !nested || typeof nested !== "object") continue;
        for (const [metric, value] of Object.entries(nested)) {
          if (typeof value === "number") {
            out.push({ ...base, step: rec.step as number, split: key, metric, value });
          }
        }
      }
      if (rec.kind === "final" && Array.isArray(rec.exactByStep)) {
        (rec.exactByStep as number[]).forEach((value, k) =>
          out.push({ ...base, step: k + 1, split: "supervision", metric: "exactAcc", value })
        );
      }
    }
  }
  return out;
}
