/**
 * The optimiser step of TRM: deep supervision with per-row halting and
 * continuous batching, as the reference's `pretrain.py` + `ACTLossHead`.
 * (The schedule around the steps, logging, evaluation and checkpoints, is
 * loop.ts.)
 *
 * Every optimiser step runs ONE supervision step for every row of the batch.
 * A row keeps its puzzle and its detached (y, z) from step to step until it
 * halts (q_halt > 0, or N_sup steps); then it takes a new puzzle from the
 * next batch and restarts from y_init, z_init. So each puzzle is supervised
 * 1 to N_sup times, each time with its own loss. The parts of that
 * supervision step are in step.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded } from "../data/encoding.ts";
import type { Sampler } from "../data/sampling.ts";
import { initWeights, namesIn, type Weights } from "../model/init.ts";
import { createModel } from "../model/create.ts";
import type { TRM } from "../model/trm.ts";
import type { Config } from "./config.ts";
import { Prng } from "../util/prng.ts";
import { Ema } from "./ema.ts";
import { type EvalMetrics, evaluate } from "./evaluate.ts";
import { Adam, learningRate, signSgdRows, usedRows } from "./optim.ts";
import { type Carry, decideHalting, initialCarry, restartHalted, supervise } from "./step.ts";

export type { Carry } from "./step.ts";

/** Weights, optimiser, EMA, carry and step counter of one run. */
export class Trainer {
  readonly cfg: Config;
  readonly model: TRM;
  readonly weights: Record<string, tf.Variable>;
  readonly dense: string[];
  readonly adam: Adam;
  readonly ema?: Ema;
  readonly sampler: Sampler;
  /** Draws the exploration minimum of each row (reference: `halt_exploration_prob`). */
  readonly explore: Prng;
  step = 0;
  /** One carry per micro-batch (one unless `accumulate` > 1). */
  carries: Carry[] = [];

  constructor(cfg: Config, sampler: Sampler) {
    this.cfg = cfg;
    this.model = createModel(cfg.model);
    const init = initWeights(cfg.model, new Prng(cfg.run.seed));
    this.weights = Object.fromEntries(
      Object.entries(init).map((
        [n, t],
      ) => [n, tf.variable(t, !namesIn(cfg.model, "buffer").includes(n))]),
    );
    tf.dispose(Object.values(init));
    this.dense = namesIn(cfg.model, "dense");
    const t = cfg.train;
    this.adam = new Adam({
      kind: t.optimizer,
      beta1: t.beta1,
      beta2: t.beta2,
      weightDecay: t.weightDecay,
    });
    if (t.ema) this.ema = new Ema(this.#pick(this.dense), t.emaRate);
    this.sampler = sampler;
    this.explore = new Prng(cfg.run.seed * 104729 + 3);
  }

  #pick(names: string[]): Record<string, tf.Variable> {
    return Object.fromEntries(names.map((n) => [n, this.weights[n]!]));
  }

  /** Weights used for evaluation and saved as the model: EMA shadows when EMA is on. */
  evalWeights(): Weights {
    return this.ema ? { ...this.weights, ...this.ema.shadow } : this.weights;
  }

  /**
   * One optimiser step. Returns its statistics as a tensor (read them with
   * `trainMetrics` in metrics.ts) without reading it, so no data sync happens here.
   *
   * With `accumulate` = k the batch is k micro-batches, each with its own
   * carry, run one after the other; their gradients are averaged before the
   * single optimiser step, so memory is that of one micro-batch.
   */
  trainStep(): tf.Tensor1D {
    const k = this.cfg.train.accumulate;
    const metrics: tf.Tensor1D[] = [];
    let acc: Accumulated | undefined;
    for (let i = 0; i < k; i++) {
      const r = this.#microStep(i, this.cfg.train.batchSize / k);
      metrics.push(r.metrics);
      acc = accumulate(acc, r.grads, usedRows(r.puzzleIds, this.cfg.model.numPuzzleIds));
    }
    const { grads, used } = acc!;
    // Each micro-batch's loss is a mean over its rows: the batch mean is their mean.
    if (k > 1) {
      for (const [n, g] of Object.entries(grads)) grads[n] = divideAndDispose(g, k);
    }
    this.#optimize(grads, used);
    tf.dispose([...Object.values(grads), used]);
    if (k === 1) return metrics[0]!;
    const mean = tf.tidy(() => tf.mean(tf.stack(metrics), 0) as tf.Tensor1D);
    tf.dispose(metrics);
    return mean;
  }

  /** The dense learning rate of step `step` (default: the current one) under the warm-up schedule. */
  learningRate(step = this.step, base = this.cfg.train.lr): number {
    const t = this.cfg.train;
    return learningRate(step, {
      lr: base,
      warmup: t.warmupSteps,
      total: t.steps,
      minRatio: t.lrMinRatio,
    });
  }

  /** AdamATan2/AdamW on the dense weights, sign-SGD on the used puzzle rows, then EMA. */
  #optimize(grads: Record<string, tf.Tensor>, used?: tf.Tensor1D): void {
    this.step += 1;
    const t = this.cfg.train;
    const lr = this.learningRate();
    this.adam.apply(this.weights, Object.fromEntries(this.dense.map((n) => [n, grads[n]!])), lr);
    if (grads.puzzle_emb && used) {
      // Sparse update as the reference: only rows of puzzles in this batch move (and decay).
      const puzzleLr = this.learningRate(this.step, t.puzzleLr);
      signSgdRows(this.weights.puzzle_emb!, grads.puzzle_emb, used, puzzleLr, t.puzzleWeightDecay);
    }
    this.ema?.update(this.#pick(this.dense));
  }

  /** One supervision step of micro-batch `i` (b rows): reset halted rows, loss and gradients, halting. */
  #microStep(
    i: number,
    b: number,
  ): { grads: Record<string, tf.Tensor>; metrics: tf.Tensor1D; puzzleIds: tf.Tensor1D } {
    const { model, weights } = this;
    const { halting, seqLen, supervisionSteps } = this.cfg.model;
    const { loss, haltLossWeight } = this.cfg.train;
    const batch = this.sampler.next(b);
    const minHalt = this.#explorationMinimum(b);
    const old = this.carries[i] ?? initialCarry(model, weights, b, seqLen);
    const rows = restartHalted(model, weights, old, batch);
    // Without prefix slots the puzzle embedding is unused and gets no gradient.
    const names = this.cfg.model.puzzlePrefix > 0 ? [...this.dense, "puzzle_emb"] : this.dense;
    const step = supervise(model, weights, names, rows, { loss, halting, haltLossWeight });
    const { carry, stats } = decideHalting(rows, step, minHalt, supervisionSteps, halting);
    this.carries[i] = carry;
    return { grads: step.grads, metrics: stats, puzzleIds: carry.puzzleIds };
  }

  /** Each row's fewest supervision steps before it may halt: 0, or with exploration uniform in 2..N_sup. */
  #explorationMinimum(b: number): Int32Array {
    const nSup = this.cfg.model.supervisionSteps;
    const minHalt = new Int32Array(b);
    for (let r = 0; r < b; r++) {
      const explores = this.explore.next() < this.cfg.train.haltExploration;
      minHalt[r] = explores ? 2 + this.explore.int(nSup - 1) : 0;
    }
    return minHalt;
  }

  /** Evaluates the evaluation weights (or, with `raw`, the trained weights themselves) on `data`. */
  evaluate(
    data: Encoded,
    opts: { limit?: number; raw?: boolean; onProgress?: (done: number, total: number) => void } =
      {},
  ): Promise<EvalMetrics> {
    const { raw, ...rest } = opts;
    return evaluate(this.model, raw ? this.weights : this.evalWeights(), data, {
      batchSize: this.cfg.train.evalBatchSize,
      ...rest,
    });
  }

  /** Frees every tensor this trainer owns. */
  dispose(): void {
    for (const c of this.carries) tf.dispose(Object.values(c));
    this.adam.dispose();
    this.ema?.dispose();
    tf.dispose(Object.values(this.weights));
    this.model.dispose();
  }
}

/** Gradients and used puzzle rows of the micro-batches of one step so far. */
interface Accumulated {
  grads: Record<string, tf.Tensor>;
  used: tf.Tensor1D;
}

/** Adds one micro-batch's gradients (summed) and used rows (either) to `acc`, taking them over. */
function accumulate(
  acc: Accumulated | undefined,
  grads: Record<string, tf.Tensor>,
  rows: tf.Tensor1D,
): Accumulated {
  if (!acc) return { grads, used: rows };
  const used = tf.maximum(acc.used, rows) as tf.Tensor1D;
  tf.dispose([acc.used, rows]);
  for (const [n, g] of Object.entries(grads)) {
    const sum = tf.add(acc.grads[n]!, g);
    tf.dispose([acc.grads[n]!, g]);
    acc.grads[n] = sum;
  }
  return { grads: acc.grads, used };
}

/** `g / k`, freeing `g`. */
function divideAndDispose(g: tf.Tensor, k: number): tf.Tensor {
  const mean = tf.div(g, k);
  g.dispose();
  return mean;
}
