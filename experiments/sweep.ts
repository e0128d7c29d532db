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
 * Beyond one machine (README, "Running a study on a cluster"):
 *
 *   --slurm [--partition P] [--time T] [--cpusPerTask C] [--mem M]
 *           [--maxParallel K] [--sbatch "gres=gpu:1;account=x"] [--dryRun]
 *       submits the runs not done (nor running or queued) as one Slurm job
 *       array, one run per task (lib/run/slurm.ts); --dryRun prints the script.
 *   --status   one table of done, running, failed and pending runs.
 *   --shard i/N  only the i-th of N disjoint slices of the queue (from 1).
 *
 * `--runId ID` (what an array task runs) trains just that run of the queue;
 * `--taskThreads T` gives it T threads unless its config fixes them.
 *
 * @module
 */
import {
  claimIsStale,
  describeEvent,
  expandStudy,
  filterPlan,
  firstSeeds,
  formatStatus,
  parseCommandLine,
  parseShard,
  type PlannedRun,
  PRESETS,
  progressPrinter,
  queuedTasks,
  queueStatus,
  readClaim,
  readSubmissions,
  readSummary,
  runMain,
  runState,
  runSweep,
  sbatchLines,
  sbatchScript,
  shardQueue,
  stopOnSignals,
  type Study,
  submit,
  tryClaim,
  variedKeys,
  writeStudyTable,
} from "@kit/run/mod.ts";
import { STUDIES } from "@kit/studies/mod.ts";

const USAGE = `usage: deno task sweep <study> [<study> ...] [--preset ${
  PRESETS.join("|")
}] [--seeds K] [--jobs K] [--results DIR] [--only "T=1|2,n=2"] [--shard i/N] [--KEY VALUE ...]
       deno task sweep <study> ... --status
       deno task sweep <study> ... --slurm [--partition P] [--time T] [--cpusPerTask C] [--mem M]
                                   [--maxParallel K] [--sbatch "gres=gpu:1;account=x"] [--dryRun]`;
/** Flags that only mean something with --slurm. */
const SLURM_FLAGS = ["partition", "time", "cpusPerTask", "mem", "maxParallel", "sbatch", "dryRun"];
const FLAGS = {
  preset: "string",
  seeds: "string",
  results: "string",
  only: "string",
  jobs: "string",
  shard: "string",
  status: "boolean",
  slurm: "boolean",
  partition: "string",
  time: "string",
  cpusPerTask: "string",
  mem: "string",
  maxParallel: "string",
  sbatch: "string",
  dryRun: "boolean",
  runId: "string",
  taskThreads: "string",
  list: "boolean",
  quiet: "boolean",
  help: "boolean",
} as const;

/** A positive integer flag, or undefined when absent. */
function positive(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const k = Number(v);
  if (!(Number.isInteger(k) && k >= 1)) {
    throw new Error(`--${name} needs a positive integer, got ${v}`);
  }
  return k;
}

/** Every value of a repeatable flag (`--sbatch A --sbatch=B`), in order. */
function allValues(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === `--${name}` && i + 1 < args.length) out.push(args[i + 1]!);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  });
  return out;
}

/** Processes to run: `--jobs`, else cores / the plan's threads when the plan fixes them, else 1. */
function jobsFor(flag: unknown, plan: readonly PlannedRun[]): number {
  const k = positive("jobs", flag);
  if (k !== undefined) return k;
  const threads = plan[0]?.config.run.threads ?? 0;
  if (threads <= 0 || plan.some((r) => r.config.run.threads !== threads)) return 1;
  return Math.max(1, Math.floor(navigator.hardwareConcurrency / threads));
}

/** Runs this command `jobs` times as child processes (each with --jobs 1) and waits for all. */
async function spawnJobs(args: string[], jobs: number): Promise<number> {
  const own = args.filter((a, i) =>
    a !== "--jobs" && args[i - 1] !== "--jobs" && !a.startsWith("--jobs=")
  );
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
    return {
      study,
      plan: p.flags.only ? filterPlan(all, String(p.flags.only)) : all,
      size: all.length,
    };
  });
  // One queue: a run shared by two studies (their common base) is trained once.
  const seen = new Set<string>();
  const whole = plans.flatMap((s) => s.plan).filter((r) => !seen.has(r.runId) && seen.add(r.runId));
  const shard = p.flags.shard === undefined ? undefined : parseShard(String(p.flags.shard));
  let queue = shard ? shardQueue(whole, shard) : whole;
  const results = (p.flags.results as string | undefined) ?? "results";
  // One process at a time (--jobs, array tasks), so the last to write saw every run's end.
  const writeTables = () =>
    whileHolding(`${results}/.tables.lock`, async () => {
      for (const { study, plan } of plans) {
        await writeStudyTable(results, plan, { study: study.name, varied: variedKeys(study) });
      }
    });
  const what = studies.map((s) => s.name).join(", ") +
    (shard ? ` (shard ${shard.index}/${shard.count})` : "");
  // A run shared by several studies is named by the first that lists it.
  const studyOf = new Map(
    plans.flatMap((s) => s.plan.map((r) => [r.runId, s.study.name] as const)).reverse(),
  );
  // A run's index counts in its whole study (before --only).
  const sizeOf = new Map(plans.map((s) => [s.study.name, s.size]));
  const unused = SLURM_FLAGS.filter((f) => p.flags[f] !== undefined);
  if (unused.length && !p.flags.slurm) {
    const list = unused.map((f) => `--${f}`).join(", ");
    throw new Error(`${list} ${unused.length > 1 ? "apply" : "applies"} only with --slurm`);
  }
  if (p.flags.status) {
    const names = studies.map((s) => s.name);
    const slurm = await queuedTasks(await readSubmissions(results, names));
    const tagged = queue.map((run) => {
      const study = studyOf.get(run.runId)!;
      return { run, study, total: sizeOf.get(study)! };
    });
    console.log(formatStatus(await queueStatus(tagged, results, slurm)));
    return 0;
  }
  if (p.flags.slurm) {
    return await submitArray({
      args: p,
      studies,
      queue,
      results,
      preset,
      what,
      label: (r) =>
        `${studyOf.get(r.runId)} ${r.index}/${sizeOf.get(studyOf.get(r.runId)!)} ${pointOf(r)}`,
      sbatch: allValues(args, "sbatch"),
    });
  }
  if (p.flags.runId !== undefined) {
    // One array task: just this run, with the task's CPUs unless its config fixes threads.
    const run = whole.find((r) => r.runId === p.flags.runId);
    if (!run) {
      throw new Error(
        `run ${p.flags.runId} is not in the queue of ${what} (did the study change?)`,
      );
    }
    const t = positive("taskThreads", p.flags.taskThreads);
    const threads = run.config.run.threads === 0 && t ? t : run.config.run.threads;
    queue = [{ ...run, config: { ...run.config, run: { ...run.config.run, threads } } }];
  }
  const jobs = p.flags.runId !== undefined ? 1 : jobsFor(p.flags.jobs, queue);
  if (jobs > 1) {
    console.error(`${what}: ${queue.length} runs at preset ${preset}, ${jobs} processes at once`);
    const code = await spawnJobs(args, jobs);
    await writeTables();
    return code;
  }
  // SIGTERM too: Slurm sends it to a task it cancels or that runs out of time, then SIGKILL.
  const stop = stopOnSignals("checkpointing the current run, then stopping", ["SIGINT", "SIGTERM"]);
  const slurmTask = Deno.env.get("SLURM_ARRAY_TASK_ID") !== undefined
    ? `${Deno.env.get("SLURM_ARRAY_JOB_ID")}_${Deno.env.get("SLURM_ARRAY_TASK_ID")}`
    : undefined;
  const job = Deno.env.get("TRM_SWEEP_JOB");
  const tag = job
    ? `[job ${job}] `
    : p.flags.runId !== undefined && slurmTask
    ? `[slurm ${slurmTask}] `
    : "";
  if (p.flags.runId !== undefined) {
    console.error(`${tag}${what}: run ${p.flags.runId} at preset ${preset}`);
  } else if (!job) console.error(`${tag}${what}: ${queue.length} runs at preset ${preset}`);
  const quiet = Boolean(p.flags.quiet);
  const tally = await runSweep(queue, {
    results,
    signal: stop.signal,
    // i/N: the run's place in its study (the queue may hold several studies, or one run).
    onEvent: (e) => {
      const study = studyOf.get(e.run.runId)!;
      if (!quiet) console.error(tag + describeEvent(study, { ...e, total: sizeOf.get(study)! }));
    },
    onRunEvent: progressPrinter({
      timeBudgetMin: queue[0]?.config.train.timeBudgetMin,
      quiet: quiet || !!job || !Deno.stderr.isTerminal(),
    }),
    afterRun: writeTables,
  }).finally(stop.release);
  await writeTables();
  for (const { study, plan } of plans) {
    const done = (await Promise.all(
      plan.map(async (r) => (await readSummary(`${results}/${r.runDir}`)) ? 1 : 0),
    )).reduce((a: number, b) => a + b, 0);
    console.log(
      `${tag}${results}/${study.name}/runs.{parquet,csv}: ${done} of ${plan.length} runs done`,
    );
  }
  console.log(
    `${tag}this sweep: ${tally.done} done, ${tally.skipped} already done, ${tally.failed} failed, ${tally.stopped} stopped`,
  );
  return tally.failed || tally.stopped ? 1 : 0;
}

/**
 * Runs `fn` holding a claim on folder `lock` (claim.ts: a dead holder's is taken
 * over); after a minute of waiting, runs it anyway.
 */
async function whileHolding<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  let claim = await tryClaim(lock);
  while (!claim && Date.now() - t0 < 60_000) {
    await new Promise((r) => setTimeout(r, 50 + 100 * Math.random()));
    claim = await tryClaim(lock);
  }
  try {
    return await fn();
  } finally {
    await claim?.release();
  }
}

/** A run's point and seed, as the sweep's lines print them. */
function pointOf(r: PlannedRun): string {
  return [...Object.entries(r.set).map(([k, v]) => `${k}=${v}`), `seed=${r.seed}`].join(" ");
}

/** The arguments that name a queue, for the array tasks to rebuild it (absolute --results). */
function queueArgs(
  p: ReturnType<typeof parseCommandLine>,
  studies: Study[],
  preset: string,
  results: string,
) {
  const out = [...studies.map((s) => s.name), "--preset", preset];
  if (p.flags.seeds !== undefined) out.push("--seeds", String(p.flags.seeds));
  if (p.flags.only !== undefined) out.push("--only", String(p.flags.only));
  for (const [k, v] of Object.entries(p.overrides)) out.push(`--${k}`, v);
  out.push("--results", results);
  return out;
}

/**
 * `--slurm`: one job array whose tasks are the queue's runs that are not done
 * and not held by a live process or an active array task; writes the script,
 * submits it (unless --dryRun) and prints the job id and the array size.
 */
async function submitArray(o: {
  args: ReturnType<typeof parseCommandLine>;
  studies: Study[];
  queue: PlannedRun[];
  results: string;
  preset: string;
  what: string;
  label: (r: PlannedRun) => string;
  sbatch: string[];
}): Promise<number> {
  const f = o.args.flags;
  const results = await Deno.realPath(o.results).catch(() => o.results);
  const abs = results.startsWith("/") ? results : `${Deno.cwd()}/${results}`;
  const names = o.studies.map((s) => s.name);
  const active = await queuedTasks(await readSubmissions(abs, names));
  const todo: PlannedRun[] = [];
  let done = 0;
  const busy: string[] = [];
  for (const run of o.queue) {
    const dir = `${abs}/${run.runDir}`;
    if ((await runState(dir)) === "done") {
      done++;
      continue;
    }
    const held = await readClaim(dir);
    const task = active?.get(run.runId);
    if (held && !claimIsStale(held.info, held.touched)) {
      busy.push(
        `${run.runId} (${
          held.info.slurmJob ? `slurm ${held.info.slurmJob}` : `pid ${held.info.pid}`
        } on ${held.info.host})`,
      );
    } else if (task) busy.push(`${run.runId} (slurm ${task.job}, ${task.state.toLowerCase()})`);
    else todo.push(run);
  }
  const threads = o.queue.map((r) => r.config.run.threads);
  const fixed = threads.length > 0 && threads.every((t) => t > 0 && t === threads[0])
    ? threads[0]!
    : 0;
  const asked = positive("cpusPerTask", f.cpusPerTask);
  const cpus = asked ?? (fixed || 1);
  const maxParallel = positive("maxParallel", f.maxParallel);
  console.error(
    `${o.what}: ${o.queue.length} runs at preset ${o.preset}: ${done} done, ${busy.length} running or queued, ${todo.length} to submit`,
  );
  for (const b of busy) console.error(`  not resubmitted, still active: ${b}`);
  if (asked !== undefined && fixed && asked !== fixed) {
    console.error(
      `note: the study fixes threads=${fixed} for comparability; --cpusPerTask ${asked} gives each run ${asked} (same run ids; fp32 rounding may differ)`,
    );
  }
  if (!todo.length) {
    console.log("nothing to submit");
    return 0;
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  const logDir = `${abs}/${names[0]}/slurm/${stamp}-${Deno.pid}`;
  const path = (u: URL) => decodeURIComponent(u.pathname);
  const root = path(new URL("..", import.meta.url)).replace(/\/$/, "");
  const script = sbatchScript(
    todo.map((r) => ({ runId: r.runId, comment: o.label(r) })),
    {
      jobName: `trm-${names.join("+")}`.slice(0, 64),
      logDir,
      chdir: root,
      deno: Deno.execPath(),
      sweep: path(new URL(import.meta.url)),
      args: queueArgs(o.args, o.studies, o.preset, abs),
      cpusPerTask: cpus,
      threadsFromSlurm: asked !== undefined,
      partition: f.partition as string | undefined,
      time: f.time as string | undefined,
      mem: f.mem as string | undefined,
      maxParallel,
      extra: sbatchLines(o.sbatch),
      about: [
        `TRM sweep as one Slurm job array, written by deno task sweep (experiments/sweep.ts)`,
        `${o.what} at preset ${o.preset}: ${todo.length} of ${o.queue.length} runs`,
      ],
    },
  );
  if (f.dryRun) {
    console.log(script);
    console.error(`dry run: not submitted; an array of ${todo.length} tasks`);
    return 0;
  }
  await Deno.mkdir(logDir, { recursive: true });
  const file = `${logDir}/job.sbatch`;
  await Deno.writeTextFile(file, script);
  const jobId = await submit(file);
  await Deno.writeTextFile(
    `${logDir}/submitted.json`,
    JSON.stringify(
      {
        jobId,
        runs: todo.map((r) => r.runId),
        studies: names,
        time: new Date().toISOString(),
        script: file,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(
    `submitted job ${jobId}: an array of ${todo.length} tasks (0-${
      todo.length - 1
    }), ${cpus} CPU(s) each`,
  );
  console.log(`script and logs: ${logDir}`);
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
