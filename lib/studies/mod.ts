/**
 * Every declared study, by name (`deno task sweep <name>`), and
 * {@link runStudy}, the library call that sweeps and notebooks use. One file
 * per study; add new ones here.
 *
 * @module
 */
import pl from "nodejs-polars";
import { writeStudyTable } from "../run/results.ts";
import { expandStudy, type Study, variedKeys } from "../run/study.ts";
import { runSweep, type SweepEvent } from "../run/sweep.ts";
import { study as ablationDepth } from "./ablation-depth.ts";
import { study as ema } from "./ema.ts";
import { study as gradient } from "./gradient.ts";
import { study as halting } from "./halting.ts";
import { study as hrmVsTrm } from "./hrm-vs-trm.ts";
import { study as latentFeatures } from "./latent-features.ts";
import { study as mixer } from "./mixer.ts";
import { study as networks } from "./networks.ts";
import { study as recursionGrid } from "./recursion-grid.ts";
import { study as regimePilot } from "./regime-pilot.ts";

// Evaluation studies of test-time compute (no training): `deno task think <name>`.
export * from "./thinking/mod.ts";

export const STUDIES: Readonly<Record<string, Study>> = Object.fromEntries(
  [
    ablationDepth,
    ema,
    gradient,
    halting,
    hrmVsTrm,
    latentFeatures,
    mixer,
    networks,
    recursionGrid,
    regimePilot,
  ].map((s) => [s.name, s]),
);

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  /** Preset: the study's regime applies at its own preset (cpu); smoke for tests. */
  preset?: string;
  /** Results root (holds runs/ and <study>/). */
  results?: string;
  /** Seeds instead of the study's own. */
  seeds?: readonly number[];
  /** Train the runs that are missing (default); false only tabulates what is there. */
  train?: boolean;
  /** Reported as runs start and end. */
  onEvent?: (e: SweepEvent) => void;
  signal?: AbortSignal;
}

/**
 * What `deno task sweep <study>` does, as a library call: trains the study's
 * runs that are not done yet (none when its records are all there), then
 * rebuilds its runs table (`<results>/<study>/runs.{parquet,csv}`) from the
 * run folders and returns it with the counts of done and missing runs.
 */
export async function runStudy(
  study: Study,
  opts: RunStudyOptions = {},
): Promise<{ table: pl.DataFrame; done: number; missing: number }> {
  const results = opts.results ?? "results";
  const plan = expandStudy(study, { preset: opts.preset ?? "cpu", seeds: opts.seeds });
  const table = { study: study.name, varied: variedKeys(study) };
  if (opts.train ?? true) {
    await runSweep(plan, {
      results,
      signal: opts.signal,
      onEvent: opts.onEvent,
      afterRun: async () => void await writeStudyTable(results, plan, table),
    });
  }
  const df = await writeStudyTable(results, plan, table);
  const done = df.filter(pl.col("status").eq(pl.lit("done"))).height;
  return { table: df, done, missing: plan.length - done };
}
