/**
 * A sweep's queue as one Slurm job array (`deno task sweep ... --slurm`):
 * the kit does no scheduling of its own. Array task i trains the i-th run the
 * queue still needs, through the sweep CLI's `--runId` (claimed, resumed from
 * its checkpoint, a failure recorded as the sweep does); which node, when,
 * and how many at once is Slurm's business.
 *
 * The script lists its run ids, so it is self-contained (`--dryRun` prints
 * it); each submission leaves it, with `submitted.json` (job id, runs) and the
 * tasks' logs, under `<results>/<first study>/slurm/<time>/`, which is where
 * `--status` looks to name the array task of a queued or running run.
 *
 * @module
 */

/** One array task: the run it trains and a comment for humans (study, point, seed). */
export interface ArrayRun {
  runId: string;
  comment: string;
}

/** What the job script needs besides its runs. */
export interface ScriptOptions {
  jobName: string;
  /** Folder of the job's logs (`%A_%a.out`), absolute. */
  logDir: string;
  /** Working directory of every task: the kit's root, absolute. */
  chdir: string;
  /** The deno binary (the script lets `TRM_DENO` replace it). */
  deno: string;
  /** experiments/sweep.ts, absolute. */
  sweep: string;
  /** Sweep arguments naming the queue (studies, preset, seeds, overrides, absolute --results). */
  args: readonly string[];
  cpusPerTask: number;
  /** `--threads` of every run is SLURM_CPUS_PER_TASK; else runs that fix threads keep theirs. */
  threadsFromSlurm: boolean;
  partition?: string;
  time?: string;
  mem?: string;
  /** At most this many tasks at once (`--array=0-K%M`). */
  maxParallel?: number;
  /** Extra `#SBATCH` lines, as {@link sbatchLines} makes them. */
  extra?: readonly string[];
  /** Comment lines at the top. */
  about?: readonly string[];
}

/** Quotes a word for bash when it needs it. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `#SBATCH` lines from `--sbatch` values: each value may hold several options
 * separated by `;` (or newlines); an option is written `--gres=gpu:1`,
 * `gres=gpu:1` or `#SBATCH --gres=gpu:1`.
 */
export function sbatchLines(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[;\n]/)).map((s) => s.trim()).filter((s) => s)
    .map((s) => {
      const opt = s.replace(/^#SBATCH\s+/, "");
      return `#SBATCH ${opt.startsWith("-") ? opt : `--${opt}`}`;
    });
}

/** The job array script: one task per run, `--array=0-(N-1)`. */
export function sbatchScript(runs: readonly ArrayRun[], o: ScriptOptions): string {
  if (!runs.length) throw new Error("a job array needs at least one run");
  const width = Math.max(...runs.map((r) => r.runId.length));
  const head = [
    `--job-name=${o.jobName}`,
    `--array=0-${runs.length - 1}${o.maxParallel ? `%${o.maxParallel}` : ""}`,
    `--cpus-per-task=${o.cpusPerTask}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    `--output=${o.logDir}/%A_%a.out`,
    `--chdir=${o.chdir}`,
  ].map((l) => `#SBATCH ${l}`);
  const threads = o.threadsFromSlurm
    ? `--threads "$THREADS"`
    : `--taskThreads "$THREADS"  # runs whose regime fixes threads keep them`;
  return [
    "#!/bin/bash",
    ...(o.about ?? []).map((l) => `# ${l}`),
    ...head,
    ...(o.extra ?? []),
    "set -euo pipefail",
    "",
    "# Task i trains RUNS[i] (resuming from its checkpoint; skipped if already done).",
    "RUNS=(",
    ...runs.map((r) => `  ${r.runId.padEnd(width)}  # ${r.comment.replace(/\n/g, " ")}`),
    ")",
    'RUN="${RUNS[$SLURM_ARRAY_TASK_ID]}"',
    'THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    'export OPENBLAS_NUM_THREADS="$THREADS"',
    `exec "\${TRM_DENO:-${o.deno}}" run -A ${shellQuote(o.sweep)} \\`,
    `  ${o.args.map(shellQuote).join(" ")} \\`,
    `  --runId "$RUN" ${threads}`,
    "",
  ].join("\n");
}

/** Whether Slurm's client commands are on the PATH and a controller answers. */
export async function slurmUp(): Promise<boolean> {
  const r = await command("sinfo", ["-h", "-o", "%t"]);
  return r !== undefined && r.ok && /\b(idle|mix|alloc)/.test(r.out);
}

/** Runs a command, or undefined when it is not installed. */
export async function command(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; out: string; err: string } | undefined> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" })
      .output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Submits a script with `sbatch --parsable`; returns the job id. */
export async function submit(script: string): Promise<string> {
  const r = await command("sbatch", ["--parsable", script]);
  if (!r) throw new Error("sbatch not found: --slurm needs Slurm's client commands on the PATH");
  if (!r.ok) throw new Error(`sbatch failed: ${r.err.trim() || r.out.trim()}`);
  const id = r.out.trim().split(";")[0]!;
  if (!/^\d+$/.test(id)) throw new Error(`sbatch printed no job id: ${r.out.trim()}`);
  return id;
}

/** What `submitted.json` beside a job script holds. */
export interface Submission {
  jobId: string;
  /** Run id of array task i. */
  runs: string[];
  studies: string[];
  time: string;
  script: string;
}

/** Every submission recorded under `<results>/<study>/slurm/` for these studies. */
export async function readSubmissions(
  results: string,
  studies: readonly string[],
): Promise<Submission[]> {
  const out: Submission[] = [];
  for (const study of studies) {
    const root = `${results}/${study}/slurm`;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(root)];
    } catch {
      continue;
    }
    for (const e of entries.filter((e) => e.isDirectory)) {
      try {
        out.push(JSON.parse(await Deno.readTextFile(`${root}/${e.name}/submitted.json`)));
      } catch { /* written but not submitted (sbatch failed) */ }
    }
  }
  return out;
}

/** An array task Slurm still knows: `<job>_<task>`, its state (PENDING, RUNNING, ...), node. */
export interface SlurmTask {
  job: string;
  state: string;
  node: string;
}

/**
 * The array tasks of `submissions` that `squeue` lists (this user's, one line
 * per task), by run id; a run in two submissions shows its running task.
 * Undefined when `squeue` is absent or fails.
 */
export async function queuedTasks(
  submissions: readonly Submission[],
): Promise<Map<string, SlurmTask> | undefined> {
  if (!submissions.length) return new Map(); // nothing to ask about (and no wait on a controller)
  const r = await command("squeue", ["--me", "-h", "-r", "-o", "%F|%K|%T|%N"]);
  if (!r?.ok) return undefined;
  const byJob = new Map(submissions.map((s) => [s.jobId, s.runs]));
  const tasks = new Map<string, SlurmTask>();
  for (const line of r.out.split("\n")) {
    const [job, task, state, node] = line.trim().split("|");
    const runId = byJob.get(job ?? "")?.[Number(task)];
    if (!runId || !state) continue;
    if (tasks.get(runId)?.state === "RUNNING") continue;
    tasks.set(runId, { job: `${job}_${task}`, state, node: node ?? "" });
  }
  return tasks;
}
