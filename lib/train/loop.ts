/**
 * The training loop: optimiser steps on a schedule of logs, evaluations and
 * checkpoints, stopped by the step count, the time budget or a signal, and
 * by divergence. What gets written where is the caller's: the loop hands
 * each log, evaluation and checkpoint to {@link LoopHooks} (lib/run writes
 * them to a run folder).
 *
 * @module
 */
import type { TaskData } from "../data/datasets.ts";
import type { TensorFile } from "../util/safetensors.ts";
import { DivergenceCheck } from "./divergence.ts";
import { LogWindow, type TrainLog } from "./log_window.ts";
import type { TrainMetrics } from "./metrics.ts";
import { type BestEval, type Evaluation, Scores } from "./scores.ts";
import { trainerToFile } from "./state.ts";
import type { Trainer } from "./trainer.ts";

/** Why the loop ended: its last step reached, its time budget spent, or a signal. */
export type StopReason = "steps" | "time" | "signal";

/** Where the loop's output goes. */
export interface LoopHooks {
  /** A logged step, its loss found finite. */
  log(log: TrainLog): Promise<void>;
  evaluated(e: Evaluation): Promise<void>;
  /** Writes a checkpoint (every weight finite) and says where; absent: no checkpoints. */
  checkpoint?(file: TensorFile, step: number): Promise<string>;
}

/** Options of {@link trainLoop}. */
export interface LoopOptions {
  /** Stops the loop cleanly at the next logged step, after a checkpoint. */
  signal?: AbortSignal;
  /** The best evaluations so far, when resuming. */
  best?: BestEval;
  bestRaw?: BestEval;
}

/** How the loop ended. */
export interface LoopResult {
  stoppedBy: StopReason;
  /** Seconds from the loop's start to the end of its final evaluation. */
  wallSec: number;
  /** Throughput of the last logged window (0 if none). */
  tokensPerSec: number;
  /** Metrics of the last logged window. */
  train: TrainMetrics | undefined;
  final: Evaluation;
  best?: BestEval;
  bestRaw?: BestEval;
}

/** Trains `trainer` to `cfg.train.steps` (or a stop), then checkpoints and evaluates it on `data`. */
export async function trainLoop(
  trainer: Trainer,
  data: TaskData,
  hooks: LoopHooks,
  opts: LoopOptions = {},
): Promise<LoopResult> {
  const t = trainer.cfg.train;
  const start = performance.now();
  const window = new LogWindow(trainer, start);
  const scores = new Scores(trainer, data, opts);
  const check = new DivergenceCheck();
  const log = async () => {
    const l = await window.read();
    if (l) await hooks.log(check.loss(l));
  };
  const save = async () => {
    await log(); // never checkpoint weights whose loss was not checked
    if (!hooks.checkpoint) return;
    const file = check.weights(await trainerToFile(trainer), trainer.step);
    check.saved(trainer.step, await hooks.checkpoint(file, trainer.step));
  };
  const due = (every: number) => every > 0 && trainer.step % every === 0;
  const stopReason = (): StopReason | undefined => {
    // Only at a logged step (an empty window), so that a resumed run logs the same lines.
    if (opts.signal?.aborted && window.empty) return "signal";
    const budgetMs = t.timeBudgetMin * 60_000;
    if (t.timeBudgetMin > 0 && performance.now() - start > budgetMs) return "time";
  };

  let stoppedBy: StopReason = "steps";
  while (trainer.step < t.steps) {
    const stop = stopReason();
    if (stop) {
      stoppedBy = stop;
      break;
    }
    window.push(trainer.trainStep());
    if (due(t.logEvery) || trainer.step === t.steps) await log();
    if (due(t.evalEvery) && trainer.step < t.steps) await hooks.evaluated(await scores.evaluate());
    if (due(t.checkpointEvery)) await save();
  }
  await save();
  const final = await scores.evaluateFinal();
  await hooks.evaluated(final);
  const wallSec = (performance.now() - start) / 1000;
  const { tokensPerSec, last: train } = window;
  const { best, bestRaw } = scores;
  return { stoppedBy, wallSec, tokensPerSec, train, final, best, bestRaw };
}
