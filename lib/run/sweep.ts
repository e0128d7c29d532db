/**
 * Runs a study's planned runs (study.ts), re-runnably: a run is done when its
 * summary.json says it finished (by steps or time) and is then skipped; a
 * failed run leaves `failed.json` with the error and the sweep goes on; failed,
 * interrupted and missing runs are trained again (resuming from a checkpoint)
 * on the next sweep. Concurrent sweeps coordinate through claim.ts.
 *
 * Runs train in this process, one after another (each disposes its tensors);
 * a process that dies mid-run leaves a stale claim, and the next sweep resumes
 * the run.
 *
 * @module
 */
import type { PlannedRun } from "./study.ts";
import { claimIsStale, readClaim, tryClaim } from "./claim.ts";
import { type Config } from "./config.ts";
import { type RunEvent, type RunSummary, trainRun } from "./run.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Where a run stands, from its folder alone. */
export type RunState = "done" | "failed" | "partial" | "missing";

/** What `failed.json` holds. */
export interface FailureRecord {
  error: string;
  time: string;
  host: string;
  pid: number;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch {
    return undefined;
  }
}

/** Reads a finished run's summary (undefined unless it finished by steps or time). */
export async function readSummary(dir: string): Promise<RunSummary | undefined> {
  const s = await readJson<RunSummary>(`${dir}/summary.json`);
  return s && s.stoppedBy !== "signal" ? s : undefined;
}

/** Reads a run's failure record, if its last attempt failed. */
export function readFailure(dir: string): Promise<FailureRecord | undefined> {
  return readJson<FailureRecord>(`${dir}/failed.json`);
}

/** done: finished; failed: last attempt threw; partial: started (e.g. killed); missing. */
export async function runState(dir: string): Promise<RunState> {
  if (await readSummary(dir)) return "done";
  if (await readFailure(dir)) return "failed";
  try {
    await Deno.stat(`${dir}/config.json`);
    return "partial";
  } catch {
    return "missing";
  }
}

/** Trains one run in its folder (resuming); the sweep's default is {@link trainRun}. */
export type TrainFn = (
  cfg: Config,
  dir: string,
  opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void },
) => Promise<RunSummary>;

const defaultTrain: TrainFn = (cfg, dir, opts) =>
  trainRun(cfg, { out: dir, resume: true, ...opts });

/** What happened to one run in this sweep. */
export type RunStatus = "done" | "failed" | "skipped" | "stopped";

/** Reported while a sweep works. */
export type SweepEvent =
  | { kind: "begin"; run: PlannedRun; total: number; state: RunState }
  | { kind: "busy"; run: PlannedRun; total: number; holder: string }
  | {
    kind: "end";
    run: PlannedRun;
    total: number;
    status: RunStatus;
    summary?: RunSummary;
    error?: string;
    sec: number;
  };

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Results root (holds runs/ and <study>/). */
  results: string;
  train?: TrainFn;
  signal?: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
  onRunEvent?: (e: RunEvent) => void;
  /** Called after each run ends, e.g. to rewrite the table. */
  afterRun?: () => Promise<void>;
  /** How often to look at runs another process holds. */
  pollMs?: number;
}

/** Counts of how the sweep's runs ended. */
export type SweepTally = Record<RunStatus, number>;

/**
 * Trains every run of `plan` that is not done: skips finished runs, retries
 * failed and missing ones, records failures in failed.json without stopping,
 * and leaves runs claimed by another live process to it, waiting for them at
 * the end (taking over any whose process dies).
 */
export async function runSweep(
  plan: readonly PlannedRun[],
  opts: SweepOptions,
): Promise<SweepTally> {
  const train = opts.train ?? defaultTrain;
  const emit = opts.onEvent ?? (() => {});
  const tally: SweepTally = { done: 0, failed: 0, skipped: 0, stopped: 0 };
  const started = new Date();
  const total = plan.length;
  const end = (run: PlannedRun, status: RunStatus, t0: number, more: object = {}) => {
    tally[status]++;
    emit({ kind: "end", run, total, status, sec: (performance.now() - t0) / 1000, ...more });
  };

  /** Trains `run` if it can be claimed; returns false when another process holds it. */
  const attempt = async (run: PlannedRun): Promise<boolean> => {
    const dir = `${opts.results}/${run.runDir}`;
    const t0 = performance.now();
    const skip = async () => (end(run, "skipped", t0, { summary: await readSummary(dir) }), true);
    if ((await runState(dir)) === "done") return skip();
    const claim = await tryClaim(dir);
    if (!claim) return false;
    try {
      const state = await runState(dir); // another process may have finished it meanwhile
      if (state === "done") return skip();
      emit({ kind: "begin", run, total, state });
      try {
        const summary = await train(run.config, dir, {
          signal: opts.signal,
          onEvent: opts.onRunEvent,
        });
        await Deno.remove(`${dir}/failed.json`).catch(() => {});
        end(run, summary.stoppedBy === "signal" ? "stopped" : "done", t0, { summary });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const record: FailureRecord = {
          error,
          time: new Date().toISOString(),
          host: Deno.hostname(),
          pid: Deno.pid,
        };
        await writeFileAtomic(
          `${dir}/failed.json`,
          new TextEncoder().encode(JSON.stringify(record, null, 2) + "\n"),
        );
        end(run, "failed", t0, { error });
      }
    } finally {
      await claim.release();
    }
    await opts.afterRun?.();
    return true;
  };

  let waiting: PlannedRun[] = [];
  for (const run of plan) {
    if (opts.signal?.aborted) break;
    if (!(await attempt(run))) {
      const held = await readClaim(`${opts.results}/${run.runDir}`);
      emit({
        kind: "busy",
        run,
        total,
        holder: held ? `pid ${held.info.pid} on ${held.info.host}` : "?",
      });
      waiting.push(run);
    }
  }
  // Runs another sweep was training: wait for them, then take what it left unfinished.
  while (waiting.length && !opts.signal?.aborted) {
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
    const still: PlannedRun[] = [];
    for (const run of waiting) {
      const dir = `${opts.results}/${run.runDir}`;
      const held = await readClaim(dir);
      if (held && !claimIsStale(held.info, held.touched)) still.push(run);
      else {
        const failure = await readFailure(dir);
        // Failed by the other sweep during this one: record it, do not retry it twice.
        if (failure && new Date(failure.time) >= started && !(await readSummary(dir))) {
          end(run, "failed", performance.now(), { error: failure.error });
        } else if (!(await attempt(run))) still.push(run);
      }
    }
    waiting = still;
  }
  return tally;
}

/** The line a CLI prints per run event: study, i/N, the point, status, held-out exact accuracy, time. */
export function describeEvent(study: string, e: SweepEvent): string {
  const point = [...Object.entries(e.run.set).map(([k, v]) => `${k}=${v}`), `seed=${e.run.seed}`];
  const head = `${study} ${e.run.index}/${e.total} ${point.join(" ")}`;
  if (e.kind === "begin") {
    return `${head} ${
      e.state === "missing" ? "training" : `retrying (${e.state})`
    } in ${e.run.runDir}`;
  }
  if (e.kind === "busy") return `${head} held by ${e.holder}; waiting for it at the end`;
  const acc = e.summary ? ` exact ${(100 * e.summary.test.exactAcc).toFixed(1)}%` : "";
  return `${head} ${e.status}${acc} ${e.sec.toFixed(1)} s${e.error ? `: ${e.error}` : ""}`;
}
