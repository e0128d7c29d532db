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
import {
  encodePuzzles,
  freshAugment,
  loadTaskData,
  Sampler,
  type TaskData,
} from "../data/batches.ts";
import { countParameters } from "../model/init.ts";
import { type BackendInfo, useBackend } from "../train/backend.ts";
import { loadTensorFile, saveTensorFile } from "../util/safetensors.ts";
import { writeFileAtomic } from "../util/fs.ts";
import { checkStepMemory } from "../train/memory.ts";
import type { ArcGroup } from "../data/arc_dataset.ts";
import { evaluateArcVersions } from "../train/arc_eval.ts";
import type { EvalMetrics } from "../train/evaluate.ts";
import { checkpointConfig, restoreTrainer, trainerToFile } from "../train/state.ts";
import { type TrainMetrics, trainMetrics } from "../train/metrics.ts";
import { Trainer } from "../train/trainer.ts";
import { type Config, resumeDiff, withData } from "./config.ts";
import { exists } from "../util/fs.ts";

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

/** What an evaluation measures besides the held-out score of the evaluation weights. */
export interface EvalExtra {
  /** Held-out score of the raw weights, with EMA on and `evalRaw` (the EMA ablation, paired). */
  raw?: EvalMetrics;
  /** Score on the first `evalTrain` original training puzzles (is the training set fitted?). */
  trainSet?: EvalMetrics;
}

/** The evaluation with the best held-out exact accuracy (intermediate ones use `evalLimit` puzzles). */
export interface BestEval {
  step: number;
  exactAcc: number;
  count: number;
}

/** The outcome of a run. */
export interface RunSummary {
  step: number;
  stoppedBy: "steps" | "time" | "signal";
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
async function bestSoFar(path: string): Promise<[BestEval?, BestEval?]> {
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
  return [best, bestRaw];
}

/** Trains one model as `cfg` says; returns the final held-out metrics. */
export async function trainRun(config: Config, opts: RunOptions = {}): Promise<RunSummary> {
  const emit = opts.onEvent ?? (() => {});
  const backend = await useBackend(config.run.backend, {
    threads: config.run.threads,
    blas: config.run.blas,
  });
  const data = opts.data ??
    await loadTaskData(
      config.data,
      config.run.seed,
      (what, done, total) => emit({ kind: "data", what, done, total }),
    );
  const cfg = withData(config, data);
  // Refuse a batch that would abort the process, before building anything big.
  const memory = backend.name === "wasm" && cfg.train.memoryLimitMb > 0
    ? await checkStepMemory(cfg)
    : undefined;
  const test = encodePuzzles(data.test);
  const trainer = new Trainer(
    cfg,
    new Sampler(data.train, { augment: freshAugment(cfg.data), seed: cfg.run.seed }),
  );
  const out = opts.out;
  const ckpt = out ? `${out}/checkpoint.safetensors` : undefined;
  const metricsPath = out ? `${out}/metrics.jsonl` : undefined;
  let resumed = false;
  try {
    if (out) await Deno.mkdir(out, { recursive: true });
    if (opts.resume && ckpt && await exists(ckpt)) {
      const file = await loadTensorFile(ckpt);
      const diff = resumeDiff(checkpointConfig(file, ckpt), cfg);
      if (diff.length) {
        throw new Error(`cannot resume ${out} with a different config:\n  ${diff.join("\n  ")}`);
      }
      restoreTrainer(trainer, file, ckpt);
      const done = await finishedSummary(out!, trainer.step, cfg);
      if (done) {
        emit({ kind: "finished", step: trainer.step, summary: done });
        return done;
      }
      await truncateMetrics(metricsPath!, trainer.step);
      resumed = true;
    } else if (metricsPath) await Deno.writeTextFile(metricsPath, "");
    const params = countParameters(cfg.model);
    if (out) {
      const record = {
        config: cfg,
        seed: cfg.run.seed,
        backend,
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

    const t = cfg.train;
    const start = performance.now();
    let window: tf.Tensor1D[] = [];
    let windowStart = performance.now(), windowStep = trainer.step, tokensPerSec = 0;
    let lastTrain: TrainMetrics | undefined;
    let stoppedBy: RunSummary["stoppedBy"] = "steps";
    let lastSaved: number | undefined;
    const diverged = (what: string) =>
      new Error(
        `training diverged: ${what}; ` +
          (lastSaved !== undefined
            ? `the last good checkpoint (step ${lastSaved}) is kept at ${ckpt}`
            : "no checkpoint had been written") +
          "; try a lower --lr or a longer --warmupSteps",
      );
    /**
     * Reads the metrics of the steps since the last flush (the loop's only data
     * sync), logs them, and stops the run if the loss is no longer finite.
     */
    const flush = async () => {
      if (!window.length) return;
      const mean = tf.tidy(() => tf.mean(tf.stack(window), 0));
      const v = await mean.data();
      tf.dispose([mean, ...window]);
      window = [];
      if (!Number.isFinite(v[0]!) || !Number.isFinite(v[1]!)) {
        throw diverged(
          `the loss became ${v[0]} between steps ${windowStep + 1} and ${trainer.step}`,
        );
      }
      const now = performance.now();
      tokensPerSec = ((trainer.step - windowStep) * t.batchSize * cfg.model.seqLen) /
        ((now - windowStart) / 1000);
      windowStart = now;
      windowStep = trainer.step;
      lastTrain = trainMetrics(v);
      const lr = trainer.learningRate();
      const elapsedSec = (now - start) / 1000;
      emit({
        kind: "log",
        step: trainer.step,
        steps: t.steps,
        metrics: lastTrain,
        lr,
        tokensPerSec,
        elapsedSec,
      });
      await appendLine(metricsPath, {
        step: trainer.step,
        kind: "train",
        ...lastTrain,
        lr,
        tokensPerSec,
        elapsedSec,
        epochs: trainer.sampler.epochs,
      });
    };
    const save = async () => {
      await flush(); // never checkpoint weights whose loss was not checked
      if (!ckpt) return;
      const file = await trainerToFile(trainer);
      const bad = Object.entries(file.tensors).find(([, x]) =>
        x.dtype === "F32" && !x.data.every(Number.isFinite)
      );
      if (bad) throw diverged(`${bad[0]} holds NaN or Inf at step ${trainer.step}`);
      await saveTensorFile(ckpt, file);
      lastSaved = trainer.step;
      emit({ kind: "checkpoint", step: trainer.step, path: ckpt });
    };
    // Raw weights beside EMA, and the training puzzles beside the held-out ones.
    const trainSet = t.evalTrain > 0 ? encodePuzzles(data.train.slice(0, t.evalTrain)) : undefined;
    const evaluateExtra = async (limit: number): Promise<EvalExtra> => ({
      ...(trainer.ema && t.evalRaw
        ? { raw: await trainer.evaluate(test, { limit, raw: true }) }
        : {}),
      ...(trainSet ? { trainSet: await trainer.evaluate(trainSet) } : {}),
    });
    let best: BestEval | undefined, bestRaw: BestEval | undefined;
    const better = (m: EvalMetrics, b?: BestEval) =>
      !b || m.exactAcc > b.exactAcc
        ? { step: trainer.step, exactAcc: m.exactAcc, count: m.count }
        : b;
    const track = (m: EvalMetrics, extra: EvalExtra) => {
      best = better(m, best);
      if (extra.raw) bestRaw = better(extra.raw, bestRaw);
    };
    if (resumed) [best, bestRaw] = await bestSoFar(metricsPath!);
    while (trainer.step < t.steps) {
      // Stops at a logged step (nothing left in the window), so that a resumed run
      // logs the same lines as an uninterrupted one.
      if (opts.signal?.aborted && !window.length) {
        stoppedBy = "signal";
        break;
      }
      if (t.timeBudgetMin > 0 && performance.now() - start > t.timeBudgetMin * 60_000) {
        stoppedBy = "time";
        break;
      }
      window.push(trainer.trainStep());
      if (trainer.step % t.logEvery === 0 || trainer.step === t.steps) await flush();
      if (t.evalEvery > 0 && trainer.step % t.evalEvery === 0 && trainer.step < t.steps) {
        const m = await trainer.evaluate(test, { limit: t.evalLimit });
        const extra = await evaluateExtra(t.evalLimit);
        track(m, extra);
        emit({ kind: "eval", step: trainer.step, metrics: m, final: false, extra });
        await appendLine(metricsPath, { step: trainer.step, kind: "eval", ...m, ...extra });
      }
      if (t.checkpointEvery > 0 && trainer.step % t.checkpointEvery === 0) await save();
    }
    await save();
    // ARC adds its score: versions vote after their augmentation is undone (pass@1, pass@2).
    const final: EvalMetrics = data.task === "arc"
      ? (await evaluateArcVersions(trainer.model, trainer.evalWeights(), data.test as ArcGroup[], {
        batchSize: t.evalBatchSize,
      })).metrics
      : await trainer.evaluate(test);
    const extra = data.task === "arc" ? {} : await evaluateExtra(0);
    track(final, extra);
    emit({ kind: "eval", step: trainer.step, metrics: final, final: true, extra });
    await appendLine(metricsPath, { step: trainer.step, kind: "final", ...final, ...extra });
    const summary: RunSummary = {
      step: trainer.step,
      stoppedBy,
      params,
      backend: backend.name,
      wallSec: (performance.now() - start) / 1000,
      tokensPerSec,
      test: final,
      train: lastTrain,
      ...(extra.raw ? { testRaw: extra.raw, bestRaw } : {}),
      ...(extra.trainSet ? { trainSet: extra.trainSet } : {}),
      best,
    };
    if (out) {
      await Deno.writeTextFile(`${out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
    }
    return summary;
  } finally {
    trainer.dispose();
  }
}
