/**
 * Where every run of a sweep's queue stands (`deno task sweep ... --status`):
 * done (summary.json), running (a live claim, or a Slurm array task that has
 * started), failed (failed.json, with its error) or pending (not started,
 * interrupted, or queued in Slurm), one row per run with its study, point
 * labels and seed. Read from the run folders, the claims and `squeue` only.
 *
 * @module
 */
import { claimIsStale, readClaim } from "./claim.ts";
import type { SlurmTask } from "./slurm.ts";
import type { PlannedRun } from "./study.ts";
import { readFailure, readSummary, runState } from "./sweep.ts";

/** The four states the table shows. */
export type QueueState = "done" | "running" | "failed" | "pending";

/** One row of the status table. */
export interface StatusRow {
  study: string;
  /** "i/N": position in its study. */
  index: string;
  /** The point's labels, `axis=label ...`. */
  point: string;
  seed: number;
  state: QueueState;
  /** Accuracy when done, holder and step when running, the error when failed, why pending. */
  detail: string;
  runId: string;
}

/** The last step a run logged (metrics.jsonl), or undefined. */
async function lastStep(dir: string): Promise<number | undefined> {
  const text = await Deno.readTextFile(`${dir}/metrics.jsonl`).catch(() => "");
  const lines = text.trim().split("\n").reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l).step;
    } catch { /* torn */ }
  }
  return undefined;
}

/** First line of an error, cut to `n` characters. */
function short(s: string, n = 100): string {
  const line = s.split("\n")[0]!.trim();
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
}

/**
 * The status of each run of `queue` (runs tagged with their study and the
 * study's size) under `results`; `slurm`: the queue's array tasks by run id
 * ({@link import("./slurm.ts").queuedTasks}), when Slurm is there.
 */
export async function queueStatus(
  queue: readonly { run: PlannedRun; study: string; total: number }[],
  results: string,
  slurm?: ReadonlyMap<string, SlurmTask>,
): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const { run, study, total } of queue) {
    const dir = `${results}/${run.runDir}`;
    const steps = run.config.train.steps;
    const row = (state: QueueState, detail: string): StatusRow => ({
      study,
      index: `${run.index}/${total}`,
      point: Object.entries(run.labels).map(([k, v]) => `${k}=${v}`).join(" "),
      seed: run.seed,
      state,
      detail,
      runId: run.runId,
    });
    const summary = await readSummary(dir);
    if (summary) {
      rows.push(
        row("done", `exact ${(100 * summary.test.exactAcc).toFixed(1)}% at step ${summary.step}`),
      );
      continue;
    }
    const task = slurm?.get(run.runId);
    const inSlurm = task ? `slurm ${task.job}${task.node ? ` on ${task.node}` : ""}` : "";
    const step = await lastStep(dir);
    const at = step === undefined ? "" : `step ${step}/${steps}`;
    const held = await readClaim(dir);
    if (held && !claimIsStale(held.info, held.touched)) {
      const who = held.info.slurmJob
        ? `slurm ${held.info.slurmJob} on ${held.info.host}`
        : `pid ${held.info.pid} on ${held.info.host}`;
      rows.push(row("running", [who, at].filter((s) => s).join(", ")));
      continue;
    }
    if (task?.state === "RUNNING") {
      rows.push(row("running", `${inSlurm} (starting)`));
      continue;
    }
    const queued = task ? `queued as ${inSlurm} (${task.state.toLowerCase()})` : "";
    const failure = await readFailure(dir);
    if (failure && !queued) {
      rows.push(row("failed", short(failure.error)));
      continue;
    }
    const state = await runState(dir);
    const why = failure
      ? `failed before (${short(failure.error, 60)})`
      : state === "partial"
      ? `interrupted${at ? ` at ${at}` : ""}${
        held ? `, stale claim of ${held.info.host}:${held.info.pid}` : ""
      }`
      : "not started";
    rows.push(row("pending", [queued, why].filter((s) => s).join("; ")));
  }
  return rows;
}

/** The table as aligned text, with a count per state at the end. */
export function formatStatus(rows: readonly StatusRow[]): string {
  const cols: [string, (r: StatusRow) => string][] = [
    ["study", (r) => r.study],
    ["#", (r) => r.index],
    ["point", (r) => r.point],
    ["seed", (r) => String(r.seed)],
    ["state", (r) => r.state],
    ["run", (r) => r.runId],
    ["detail", (r) => r.detail],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const width = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const lines = cells.map((c) => c.map((s, i) => s.padEnd(width[i]!)).join("  ").trimEnd());
  const count = (s: QueueState) => rows.filter((r) => r.state === s).length;
  const tally = (["done", "running", "failed", "pending"] as const).map((s) => `${count(s)} ${s}`);
  return [...lines, `${tally.join(", ")} (of ${rows.length})`].join("\n");
}
