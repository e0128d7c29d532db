/**
 * One training run in a run folder:
 *
 *     <out>/config.json         resolved config, backend, seed, code version, command
 *     <out>/metrics.jsonl       one JSON line per log or evaluation event
 *     <out>/checkpoint.safetensors  full training state (atomic writes)
 *     <out>/summary.json        final held-out metrics
 *
 * Progress goes to an `onEvent` callback, so the CLI draws a bar, notebooks
 * plot and tests stay quiet.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { freshAugment, loadTaskData, type TaskData } from "../data/datasets.ts";
import { Sampler } from "../data/sampling.ts";
import { countParameters } from "../model/init.ts";
import { type BackendInfo, useBackend } from "../backend/mod.ts";
import { loadTensorFile, saveTensorFile } from "../util/safetensors.ts";
import { checkStepMemory } from "../train/memory.ts";
import type { EvalMetrics } from "../train/evaluate.ts";
import { checkpointConfig, restoreTrainer } from "../train/state.ts";
import type { TrainMetrics } from "../train/metrics.ts";
import { type LoopHooks, type LoopResult, type StopReason, trainLoop } from "../train/loop.ts";
import type { BestEval, EvalExtra } from "../train/scores.ts";
import { Trainer } from "../train/trainer.ts";
import { type Config, resumeDiff, withData } from "./config.ts";
import { exists, writeFileAtomic } from "../util/fs.ts";
import { machine } from "../util/machine.ts";

/** What a run reports while it works. */
export type RunEvent =
  | { kind: "data"; what: string; done: number; total: number }
  | {
    kind: "start";
    step: number;
    steps: number;
    params: number;
    backend: BackendInfo;
    resumed: boolean;
  }
  | {
    kind: "log";
    step: number;
    steps: number;
    metrics: TrainMetrics;
    lr: number;
    tokensPerSec: number;
    elapsedSec: number;
  }
  | { kind: "eval"; step: number; metrics: EvalMetrics; final: boolean; extra: EvalExtra }
  | { kind: "checkpoint"; step: number; path: string }
  /** Resuming a run that had already finished: nothing is trained, evaluated or written. */
  | { kind: "finished"; step: number; summary: RunSummary };

export type { BestEval, EvalExtra } from "../train/scores.ts";

/** The outcome of a run. */
export interface RunSummary {
  step: number;
  stoppedBy: StopReason;
  params: number;
  backend: string;
  wallSec: number;
  tokensPerSec: number;
  /** Final held-out metrics of the evaluation weights (EMA when on): the headline. */
  test: EvalMetrics;
  train: TrainMetrics | undefined;
  /** Final held-out metrics of the raw weights (EMA on, `evalRaw`). */
  testRaw?: EvalMetrics;
  /** Final metrics on the first `evalTrain` training puzzles. */
  trainSet?: EvalMetrics;
  /** Best evaluation of the run, final included; and of the raw weights. */
  best?: BestEval;
  bestRaw?: BestEval;
}

/** Options of {@link trainRun}. */
export interface RunOptions {
  /** Run folder; nothing is written when omitted. */
  out?: string;
  /** Continue from `<out>/checkpoint.safetensors` if it exists. */
  resume?: boolean;
  onEvent?: (e: RunEvent) => void;
  /**
   * Stops cleanly when aborted, e.g. on Ctrl-C: at the next logged step (at
   * most `logEvery` steps on), with a checkpoint written.
   */
  signal?: AbortSignal;
  /** Recorded in config.json. */
  command?: string;
  /** Data already built for this config (notebooks reuse it). */
  data?: TaskData;
}

/** The code version: git commit (with "+dirty" for local changes), or "unknown". */
export async function codeVersion(): Promise<string> {
  try {
    const run = (args: string[]) =>
      new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    const head = await run(["rev-parse", "--short", "HEAD"]);
    if (!head.success) return "unknown";
    const dirty = await run(["status", "--porcelain", "--untracked-files=no"]);
    const rev = new TextDecoder().decode(head.stdout).trim();
    return new TextDecoder().decode(dirty.stdout).trim() ? `${rev}+dirty` : rev;
  } catch {
    return "unknown";
  }
}

async function appendLine(path: string | undefined, obj: unknown): Promise<void> {
  if (path) await Deno.writeTextFile(path, JSON.stringify(obj) + "\n", { append: true });
}

/**
 * Drops metric lines past `step` (written after the checkpoint we resume from),
 * a line torn by a killed process, and the "final" line of a run stopped
 * early (by a signal, or for time before more was given): the run goes on and
 * writes its own at the end.
 */
async function truncateMetrics(path: string, step: number): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return;
  }
  const keep = text.split("\n").filter((l) => {
    try {
      const e = JSON.parse(l);
      return e.step <= step && e.kind !== "final";
    } catch {
      return false;
    }
  });
  await writeFileAtomic(path, new TextEncoder().encode(keep.map((l) => l + "\n").join("")));
}

/**
 * The saved summary of a run that already finished at the checkpoint's step
 * and has nothing left to train under `cfg` (its step count reached, or it
 * stopped for time with no more time given), else undefined.
 */
async function finishedSummary(
  out: string,
  step: number,
  cfg: Config,
): Promise<RunSummary | undefined> {
  let s: RunSummary;
  try {
    s = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  } catch {
    return undefined;
  }
  if (s.step !== step || s.stoppedBy === "signal") return undefined;
  return step >= cfg.train.steps || s.stoppedBy === "time" ? s : undefined;
}

/** The best evaluations (EMA or eval weights, and raw) in a resumed run's metrics so far. */
async function bestSoFar(path: string): Promise<{ best?: BestEval; bestRaw?: BestEval }> {
  let best: BestEval | undefined, bestRaw: BestEval | undefined;
  const text = await Deno.readTextFile(path).catch(() => "");
  for (const line of text.split("\n")) {
    if (!line.includes('"kind":"eval"')) continue;
    const e = JSON.parse(line);
    if (!best || e.exactAcc > best.exactAcc) {
      best = { step: e.step, exactAcc: e.exactAcc, count: e.count };
    }
    if (e.raw && (!bestRaw || e.raw.exactAcc > bestRaw.exactAcc)) {
      bestRaw = { step: e.step, exactAcc: e.raw.exactAcc, count: e.raw.count };
    }
  }
  return { best, bestRaw };
}

/**
 * Makes the run folder `out`. Resuming, restores `trainer` from its
 * checkpoint and trims metrics.jsonl back to it; else starts metrics.jsonl
 * empty. A run that had already finished gives its saved summary instead.
 */
async function openRunFolder(
  out: string,
  trainer: Trainer,
  resume = false,
): Promise<{ resumed: boolean; finished?: RunSummary }> {
  const ckpt = `${out}/checkpoint.safetensors`;
  await Deno.mkdir(out, { recursive: true });
  if (!resume || !await exists(ckpt)) {
    await Deno.writeTextFile(`${out}/metrics.jsonl`, "");
    return { resumed: false };
  }
  const file = await loadTensorFile(ckpt);
  const diff = resumeDiff(checkpointConfig(file, ckpt), trainer.cfg);
  if (diff.length) {
    throw new Error(`cannot resume ${out} with a different config:\n  ${diff.join("\n  ")}`);
  }
  restoreTrainer(trainer, file, ckpt);
  const finished = await finishedSummary(out, trainer.step, trainer.cfg);
  if (finished) return { resumed: false, finished };
  await truncateMetrics(`${out}/metrics.jsonl`, trainer.step);
  return { resumed: true };
}

/**
 * The loop's output as events for `emit` and, with a run folder `out`, as
 * lines of metrics.jsonl and the checkpoint.
 */
function runHooks(out: string | undefined, steps: number, emit: (e: RunEvent) => void): LoopHooks {
  const metricsPath = out ? `${out}/metrics.jsonl` : undefined;
  const ckpt = out ? `${out}/checkpoint.safetensors` : undefined;
  return {
    log: async ({ step, metrics, lr, tokensPerSec, elapsedSec, epochs }) => {
      emit({ kind: "log", step, steps, metrics, lr, tokensPerSec, elapsedSec });
      const line = { step, kind: "train", ...metrics, lr, tokensPerSec, elapsedSec, epochs };
      await appendLine(metricsPath, line);
    },
    evaluated: async ({ step, metrics, final, extra }) => {
      emit({ kind: "eval", step, metrics, final, extra });
      await appendLine(metricsPath, { step, kind: final ? "final" : "eval", ...metrics, ...extra });
    },
    checkpoint: ckpt
      ? async (file, step) => {
        await saveTensorFile(ckpt, file);
        emit({ kind: "checkpoint", step, path: ckpt });
        return ckpt;
      }
      : undefined,
  };
}

/** The outcome of a run whose loop ended at `step` as `r` says. */
function summarize(step: number, r: LoopResult, params: number, backend: string): RunSummary {
  const extra = r.final.extra;
  return {
    step,
    stoppedBy: r.stoppedBy,
    params,
    backend,
    wallSec: r.wallSec,
    tokensPerSec: r.tokensPerSec,
    test: r.final.metrics,
    train: r.train,
    ...(extra.raw ? { testRaw: extra.raw, bestRaw: r.bestRaw } : {}),
    ...(extra.trainSet ? { trainSet: extra.trainSet } : {}),
    best: r.best,
  };
}

/** Trains one model as `cfg` says; returns the final held-out metrics. */
export async function trainRun(config: Config, opts: RunOptions = {}): Promise<RunSummary> {
  const emit = opts.onEvent ?? (() => {});
  const { threads, blas, native } = config.run;
  const backend = await useBackend(config.run.backend, { threads, blas, native });
  const progress = (what: string, done: number, total: number) =>
    emit({ kind: "data", what, done, total });
  const data = opts.data ?? await loadTaskData(config.data, config.run.seed, progress);
  const cfg = withData(config, data);
  // Refuse a batch that would abort the process, before building anything big.
  const memory = backend.name === "wasm" && cfg.train.memoryLimitMb > 0
    ? await checkStepMemory(cfg)
    : undefined;
  const sampler = new Sampler(data.train, { augment: freshAugment(cfg.data), seed: cfg.run.seed });
  const trainer = new Trainer(cfg, sampler);
  const out = opts.out;
  try {
    const { resumed = false, finished } = out ? await openRunFolder(out, trainer, opts.resume) : {};
    if (finished) {
      emit({ kind: "finished", step: trainer.step, summary: finished });
      return finished;
    }
    const params = countParameters(cfg.model);
    if (out) {
      const record = {
        config: cfg,
        seed: cfg.run.seed,
        backend,
        machine: machine(),
        params,
        data: data.source,
        memory,
        code: await codeVersion(),
        command: opts.command ?? "",
        deno: Deno.version.deno,
        libraries: { "@tensorflow/tfjs-core": tf.version_core, v8: Deno.version.v8 },
        started: new Date().toISOString(),
      };
      await Deno.writeTextFile(`${out}/config.json`, JSON.stringify(record, null, 2) + "\n");
    }
    emit({ kind: "start", step: trainer.step, steps: cfg.train.steps, params, backend, resumed });
    const best = resumed ? await bestSoFar(`${out}/metrics.jsonl`) : {};
    const hooks = runHooks(out, cfg.train.steps, emit);
    const r = await trainLoop(trainer, data, hooks, { signal: opts.signal, ...best });
    const summary = summarize(trainer.step, r, params, backend.name);
    if (out) {
      await Deno.writeTextFile(`${out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
    }
    return summary;
  } finally {
    trainer.dispose();
  }
}
