/**
 * Run declared studies (experiments/sweeps/<study>.ts).
 *
 *   deno task sweep <study> [<study> ...] [--preset smoke|cpu|paper] [--seeds K] [--jobs K]
 *                   [--results DIR] [--only "T=1|2,n=2"] [--KEY VALUE ...]
 *
 * Trains every run not yet done into <results>/runs/<runId>/ (shared between
 * studies), skipping finished runs and retrying failed or interrupted ones,
 * then writes <results>/<study>/runs.parquet and runs.csv. Several studies
 * form one queue, in the order given, so no process waits at the end of one
 * study while another has work. `--list` lists the studies; extra
 * `--KEY VALUE` flags apply to every point (not to varied keys); `--only`
 * runs (and tabulates) just the matching points.
 *
 * `--jobs K` trains K runs at once, as K processes that share the queue
 * through the runs' claim files. The default for a study whose regime fixes
 * the thread count is as many processes as the cores allow (on 2 cores, two
 * one-thread runs side by side finish 1.8x more steps per hour than one run
 * with two threads: README, Results); else 1.
 *
 * @module
 */
import { parseCommandLine, runMain, stopOnSigint } from "@kit/run/cli.ts";
import { PRESETS } from "@kit/run/presets.ts";
import { progressPrinter } from "@kit/run/progress.ts";
import { writeStudyTable } from "@kit/run/results.ts";
import {
  expandStudy,
  filterPlan,
  firstSeeds,
  type PlannedRun,
  type Study,
  variedKeys,
} from "@kit/run/study.ts";
import { describeEvent, runSweep } from "@kit/run/sweep.ts";
import { STUDIES } from "@kit/studies/mod.ts";

const USAGE = `usage: deno task sweep <study> [<study> ...] [--preset ${
  PRESETS.join("|")
}] [--seeds K] [--jobs K] [--results DIR] [--only "T=1|2,n=2"] [--KEY VALUE ...]`;
const FLAGS = {
  preset: "string",
  seeds: "string",
  results: "string",
  only: "string",
  jobs: "string",
  list: "boolean",
  quiet: "boolean",
  help: "boolean",
} as const;

/** Processes to run: `--jobs`, else cores / the plan's threads when the plan fixes them, else 1. */
function jobsFor(flag: unknown, plan: readonly PlannedRun[]): number {
  if (flag !== undefined) {
    const k = Number(flag);
    if (!(Number.isInteger(k) && k >= 1)) throw new Error(`--jobs needs a positive integer, got ${flag}`);
    return k;
  }
  const threads = plan[0]?.config.run.threads ?? 0;
  if (threads <= 0 || plan.some((r) => r.config.run.threads !== threads)) return 1;
  return Math.max(1, Math.floor(navigator.hardwareConcurrency / threads));
}

/** Runs this command `jobs` times as child processes (each with --jobs 1) and waits for all. */
async function spawnJobs(args: string[], jobs: number): Promise<number> {
  const own = args.filter((a, i) => a !== "--jobs" && args[i - 1] !== "--jobs" && !a.startsWith("--jobs="));
  const children = Array.from({ length: jobs }, (_, i) => {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, ...own, "--jobs", "1"],
      stdin: "null",
      env: { TRM_SWEEP_JOB: String(i + 1) },
    });
    return cmd.spawn();
  });
  const codes = await Promise.all(children.map(async (c) => (await c.status).code));
  return Math.max(...codes);
}

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const names = Object.keys(STUDIES).sort();
  if (p.flags.help || p.flags.list || !p.positionals.length) {
    if (!p.flags.list) console.log(USAGE);
    for (const n of names) console.log(`  ${n.padEnd(16)} ${STUDIES[n]!.title}`);
    return p.flags.help || p.flags.list ? 0 : 2;
  }
  const studies: Study[] = p.positionals.map((raw) => {
    const study = STUDIES[raw.replace(/_/g, "-")];
    if (!study) throw new Error(`unknown study "${raw}"; choose one of ${names.join(", ")}`);
    return study;
  });
  const preset = (p.flags.preset as string | undefined) ?? "cpu";
  const seeds = p.flags.seeds === undefined ? undefined : firstSeeds(Number(p.flags.seeds));
  const plans = studies.map((study) => {
    const all = expandStudy(study, { preset, seeds, overrides: p.overrides });
    return { study, plan: p.flags.only ? filterPlan(all, String(p.flags.only)) : all };
  });
  // One queue: a run shared by two studies (their common base) is trained once.
  const seen = new Set<string>();
  const queue = plans.flatMap((s) => s.plan).filter((r) => !seen.has(r.runId) && seen.add(r.runId));
  const results = (p.flags.results as string | undefined) ?? "results";
  const writeTables = async () => {
    for (const { study, plan } of plans) {
      await writeStudyTable(results, plan, { study: study.name, varied: variedKeys(study) });
    }
  };
  const jobs = jobsFor(p.flags.jobs, queue);
  const what = studies.map((s) => s.name).join(", ");
  if (jobs > 1) {
    console.error(`${what}: ${queue.length} runs at preset ${preset}, ${jobs} processes at once`);
    const code = await spawnJobs(args, jobs);
    await writeTables();
    return code;
  }
  const stop = stopOnSigint("checkpointing the current run, then stopping");
  const job = Deno.env.get("TRM_SWEEP_JOB");
  const tag = job ? `[job ${job}] ` : "";
  if (!job) console.error(`${what}: ${queue.length} runs at preset ${preset}`);
  const quiet = Boolean(p.flags.quiet);
  const studyOf = new Map(plans.flatMap((s) => s.plan.map((r) => [r.runId, s.study.name])));
  const tally = await runSweep(queue, {
    results,
    signal: stop.signal,
    onEvent: (e) => quiet || console.error(tag + describeEvent(studyOf.get(e.run.runId)!, e)),
    onRunEvent: progressPrinter({
      timeBudgetMin: queue[0]?.config.train.timeBudgetMin,
      quiet: quiet || !!job || !Deno.stderr.isTerminal(),
    }),
    afterRun: writeTables,
  }).finally(stop.release);
  await writeTables();
  for (const { study, plan } of plans) {
    const done = (await Promise.all(
      plan.map((r) => Deno.stat(`${results}/${r.runDir}/summary.json`).then(() => 1, () => 0)),
    )).reduce((a: number, b) => a + b, 0);
    console.log(`${tag}${results}/${study.name}/runs.{parquet,csv}: ${done} of ${plan.length} runs done`);
  }
  console.log(
    `${tag}this sweep: ${tally.done} done, ${tally.skipped} already done, ${tally.failed} failed, ${tally.stopped} stopped`,
  );
  return tally.failed || tally.stopped ? 1 : 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
