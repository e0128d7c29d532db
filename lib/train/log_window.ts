/**
 * The steps since the last logged one: their metric vectors stay on the
 * device until the loop logs, then are read with one data sync (the loop's
 * only one between evaluations) and named.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type TrainMetrics, trainMetrics } from "./metrics.ts";
import type { Trainer } from "./trainer.ts";

/** One logged step: the mean metrics of the window that ends at it. */
export interface TrainLog {
  step: number;
  /** The last logged step before this one (the window is the steps after it). */
  since: number;
  metrics: TrainMetrics;
  lr: number;
  tokensPerSec: number;
  /** Seconds since the loop started. */
  elapsedSec: number;
  /** Passes over the training puzzles so far. */
  epochs: number;
}

/** Collects the step vectors of one log window; {@link LogWindow.read} ends the window. */
export class LogWindow {
  #steps: tf.Tensor1D[] = [];
  #start: number;
  #startStep: number;
  /** Throughput of the last window read (0 before). */
  tokensPerSec = 0;
  /** Metrics of the last window read. */
  last: TrainMetrics | undefined;

  constructor(readonly trainer: Trainer, readonly loopStart: number) {
    this.#start = performance.now();
    this.#startStep = trainer.step;
  }

  get empty(): boolean {
    return !this.#steps.length;
  }

  push(step: tf.Tensor1D): void {
    this.#steps.push(step);
  }

  /** Reads the window's mean metrics and starts the next window; undefined if it is empty. */
  async read(): Promise<TrainLog | undefined> {
    if (this.empty) return undefined;
    const tr = this.trainer;
    const mean = tf.tidy(() => tf.mean(tf.stack(this.#steps), 0));
    const v = await mean.data();
    tf.dispose([mean, ...this.#steps]);
    this.#steps = [];
    const metrics = trainMetrics(v);
    const now = performance.now();
    const since = this.#startStep;
    const t = tr.cfg.train;
    const tokens = (tr.step - since) * t.batchSize * tr.cfg.model.seqLen;
    this.tokensPerSec = tokens / ((now - this.#start) / 1000);
    this.#start = now;
    this.#startStep = tr.step;
    this.last = metrics;
    return {
      step: tr.step,
      since,
      metrics,
      lr: tr.learningRate(),
      tokensPerSec: this.tokensPerSec,
      elapsedSec: (now - this.loopStart) / 1000,
      epochs: tr.sampler.epochs,
    };
  }
}
