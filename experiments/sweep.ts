/**
 * Run a declared study (experiments/sweeps/<study>.ts).
 *
 *   deno task sweep <study> [--preset smoke|cpu|paper] [--seeds K] [--results DIR] [--KEY VALUE ...]
 *
 * Trains every run not yet done into <results>/runs/<runId>/ (shared between
 * studies), skipping finished runs and retrying failed or interrupted ones,
 * then writes <results>/<study>/runs.parquet and runs.csv. `--list` lists the
 * studies; extra `--KEY VALUE` flags apply to every point (not to varied keys);
 * `--only "T=1|2,n=2|4"` runs (and tabulates) just the matching points.
 *
 * @module
 */
import { parseCommandLine, runMain, stopOnSigint } from "@kit/run/cli.ts";
import { PRESETS } from "@kit/run/presets.ts";
import { progressPrinter } from "@kit/run/progress.ts";
import { writeStudyTable } from "@kit/run/results.ts";
import { expandStudy, filterPlan, firstSeeds, variedKeys } from "@kit/run/study.ts";
import { describeEvent, runSweep } from "@kit/run/sweep.ts";
import { STUDIES } from "./sweeps/mod.ts";

const USAGE = `usage: deno task sweep <study> [--preset ${
  PRESETS.join("|")
}] [--seeds K] [--results DIR] [--only "T=1|2,n=2"] [--KEY VALUE ...]`;
const FLAGS = {
  preset: "string",
  seeds: "string",
  results: "string",
  only: "string",
  list: "boolean",
  quiet: "boolean",
  help: "boolean",
} as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const names = Object.keys(STUDIES).sort();
  if (p.flags.help || p.flags.list || !p.positionals.length) {
    if (!p.flags.list) console.log(USAGE);
    for (const n of names) console.log(`  ${n.padEnd(16)} ${STUDIES[n]!.title}`);
    return p.flags.help || p.flags.list ? 0 : 2;
  }
  const name = p.positionals[0]!.replace(/_/g, "-");
  const study = STUDIES[name];
  if (!study || p.positionals.length > 1) {
    throw new Error(
      `unknown study "${p.positionals.join(" ")}"; choose one of ${names.join(", ")}`,
    );
  }
  const preset = (p.flags.preset as string | undefined) ?? "cpu";
  const seeds = p.flags.seeds === undefined ? undefined : firstSeeds(Number(p.flags.seeds));
  const all = expandStudy(study, { preset, seeds, overrides: p.overrides });
  const plan = p.flags.only ? filterPlan(all, String(p.flags.only)) : all;
  const results = (p.flags.results as string | undefined) ?? "results";
  const table = { study: study.name, varied: variedKeys(study) };
  const stop = stopOnSigint("checkpointing the current run, then stopping");
  console.error(`${study.name}: ${study.title}; ${plan.length} runs at preset ${preset}`);
  const quiet = Boolean(p.flags.quiet);
  const tally = await runSweep(plan, {
    results,
    signal: stop.signal,
    onEvent: (e) => quiet || console.error(describeEvent(study.name, e)),
    onRunEvent: progressPrinter({
      timeBudgetMin: plan[0]?.config.train.timeBudgetMin,
      quiet: quiet || !Deno.stderr.isTerminal(),
    }),
    afterRun: async () => void await writeStudyTable(results, plan, table),
  }).finally(stop.release);
  const df = await writeStudyTable(results, plan, table);
  console.log(
    `${results}/${study.name}/runs.{parquet,csv}: ${df.height} rows; this sweep: ${tally.done} done, ` +
      `${tally.skipped} already done, ${tally.failed} failed, ${tally.stopped} stopped`,
  );
  return tally.failed || tally.stopped ? 1 : 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
