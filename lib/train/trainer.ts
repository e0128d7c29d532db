/**
 * The training loop of TRM: deep supervision with per-row halting and
 * continuous batching, as the reference's `pretrain.py` + `ACTLossHead`.
 *
 * Every optimiser step runs ONE supervision step for every row of the batch.
 * A row keeps its puzzle and its detached (y, z) from step to step until it
 * halts (q_halt > 0, or N_sup steps); then it takes a new puzzle from the
 * next batch and restarts from y_init, z_init. So each puzzle is supervised
 * 1 to N_sup times, each time with its own loss.
 *
 * Shapes: B batch, S puzzle tokens, L = prefix + S, D hidden.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded, Sampler } from "../data/batches.ts";
import { continueTarget, haltsNow } from "../model/halting.ts";
import { answerLoss, bceWithLogits, rowCorrectness } from "../model/losses.ts";
import { initWeights, namesIn, type Weights } from "../model/init.ts";
import { noGrad } from "../model/nograd.ts";
import { createModel } from "../model/create.ts";
import type { TRM } from "../model/trm.ts";
import type { Config } from "./config.ts";
import { Prng } from "../util/prng.ts";
import { Ema } from "./ema.ts";
import { type EvalMetrics, evaluate } from "./evaluate.ts";
import { Adam, learningRate, signSgdRows, usedRows } from "./optim.ts";

/** Per-row state kept across optimiser steps (reference: the ACT carry). */
export interface Carry {
  y: tf.Tensor3D;
  z: tf.Tensor3D;
  /** Supervision steps this row's puzzle has had, int32 [B]. */
  steps: tf.Tensor1D;
  /** Whether the row halted on the last step (and so loads a new puzzle), bool [B]. */
  halted: tf.Tensor1D;
  inputs: tf.Tensor2D;
  labels: tf.Tensor2D;
  /** Puzzle identifier of each row's example, int32 [B]. */
  puzzleIds: tf.Tensor1D;
}

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

  /** The carry before the first step: every row halted, so every row loads. */
  #initialCarry(b: number): Carry {
    const s = this.cfg.model.seqLen;
    return {
      ...this.model.initialState(this.weights, b),
      steps: tf.zeros([b], "int32"),
      halted: tf.ones([b], "bool"),
      inputs: tf.zeros([b, s], "int32"),
      labels: tf.zeros([b, s], "int32"),
      puzzleIds: tf.zeros([b], "int32"),
    };
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
    const micro = this.cfg.train.batchSize / k;
    let grads: Record<string, tf.Tensor> = {};
    const metrics: tf.Tensor1D[] = [];
    let used: tf.Tensor1D | undefined;
    for (let i = 0; i < k; i++) {
      const r = this.#microStep(i, micro);
      metrics.push(r.metrics);
      const rows = usedRows(r.puzzleIds, this.cfg.model.numPuzzleIds);
      if (used) {
        const both = tf.maximum(used, rows) as tf.Tensor1D;
        tf.dispose([used, rows]);
        used = both;
      } else used = rows as tf.Tensor1D;
      if (i === 0) grads = r.grads;
      else {
        for (const [n, g] of Object.entries(r.grads)) {
          const sum = tf.add(grads[n]!, g);
          tf.dispose([grads[n]!, g]);
          grads[n] = sum;
        }
      }
    }
    if (k > 1) {
      // Each micro-batch's loss is a mean over its rows: the batch mean is their mean.
      grads = Object.fromEntries(
        Object.entries(grads).map(([n, g]) => {
          const mean = tf.div(g, k);
          g.dispose();
          return [n, mean];
        }),
      );
    }
    this.#optimize(grads, used);
    tf.dispose([...Object.values(grads), used!]);
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
    const { haltLossWeight, loss: lossKind } = this.cfg.train;
    const halting = this.cfg.model.halting;
    const nSup = this.cfg.model.supervisionSteps;
    const s = this.cfg.model.seqLen;
    const batch = this.sampler.next(b);
    const minHalt = new Int32Array(b);
    for (let r = 0; r < b; r++) {
      const explores = this.explore.next() < this.cfg.train.haltExploration;
      minHalt[r] = explores ? 2 + this.explore.int(nSup - 1) : 0; // uniform in 2..N_sup
    }
    const old = this.carries[i] ?? this.#initialCarry(b);

    // 1. Rows that halted restart: fresh puzzle, y_init/z_init, step count 0.
    const c = tf.tidy(() => {
      const h3 = tf.reshape(old.halted, [b, 1, 1]);
      const h2 = tf.reshape(old.halted, [b, 1]);
      const init = this.model.initialState(this.weights, b);
      return {
        y: tf.where(h3, init.y, old.y) as tf.Tensor3D,
        z: tf.where(h3, init.z, old.z) as tf.Tensor3D,
        steps: tf.where(old.halted, tf.zerosLike(old.steps), old.steps) as tf.Tensor1D,
        inputs: tf.where(h2, tf.tensor2d(batch.inputs, [b, s], "int32"), old.inputs) as tf.Tensor2D,
        labels: tf.where(h2, tf.tensor2d(batch.labels, [b, s], "int32"), old.labels) as tf.Tensor2D,
        puzzleIds: tf.where(
          old.halted,
          batch.puzzleIds ? tf.tensor1d(batch.puzzleIds, "int32") : tf.zerosLike(old.puzzleIds),
          old.puzzleIds,
        ) as tf.Tensor1D,
      };
    });
    tf.dispose(Object.values(old));

    // 2. One supervision step for every row, with its own loss (deep supervision).
    let kept!: {
      y: tf.Tensor3D;
      z: tf.Tensor3D;
      qHalt: tf.Tensor1D;
      qContinue: tf.Tensor1D;
      exact: tf.Tensor1D;
      stats: tf.Tensor2D;
    };
    const puzzleIds = c.puzzleIds;
    // Without prefix slots the puzzle embedding is unused and gets no gradient.
    const names = this.cfg.model.puzzlePrefix > 0 ? [...this.dense, "puzzle_emb"] : this.dense;
    const trainable = names.map((n) => this.weights[n]!);
    const { value: loss, grads: byVariable } = tf.variableGrads(() => {
      const out = this.model.supervisionStep(this.weights, { inputs: c.inputs, puzzleIds }, {
        y: c.y,
        z: c.z,
      });
      const lm = tf.sum(answerLoss(out.logits, c.labels, lossKind));
      // Targets of the halting head and accuracy metrics: computed without gradient.
      const r = noGrad(() => rowCorrectness(out.logits, c.labels));
      let halt: tf.Tensor = tf.scalar(0);
      if (halting !== "none") halt = tf.sum(bceWithLogits(out.qHalt, r.exact));
      if (halting === "qAct") {
        const q = { inputs: c.inputs, puzzleIds };
        const target = continueTarget(this.model, this.weights, q, out.state, c.steps);
        halt = tf.add(halt, tf.sum(bceWithLogits(out.qContinue, target)));
      }
      kept = {
        y: tf.keep(out.state.y),
        z: tf.keep(out.state.z),
        qHalt: tf.keep(out.qHalt),
        qContinue: tf.keep(out.qContinue),
        exact: tf.keep(r.exact),
        stats: tf.keep(noGrad(() =>
          tf.stack([
            tf.div(lm, b),
            tf.div(halt, b),
            tf.div(r.correct, tf.maximum(r.valid, 1)), // per-row cell accuracy [B]
            tf.cast(tf.equal(tf.greaterEqual(out.qHalt, 0), tf.cast(r.exact, "bool")), "float32"), // halting right? [B]
          ].map((t) => tf.broadcastTo(t, [b])))
        ) as tf.Tensor2D),
      };
      // Reference: per-row means summed over rows, then / global batch size.
      return tf.div(tf.add(lm, tf.mul(halt, haltLossWeight)), b) as tf.Scalar;
    }, trainable);
    // A weight the loss does not reach (the q head under `halting: "none"`) gets
    // a zero gradient, so it still takes weight decay as in the reference.
    const grads = Object.fromEntries(
      trainable.map((v, n) => [names[n]!, byVariable[v.name] ?? tf.zerosLike(v)]),
    );

    // 3. Halting, decided without gradient: at N_sup, or when the head says
    //    so (TRM: q_halt > 0; ACT: q_halt > q_continue) once the row's
    //    exploration minimum is reached. With `halting: "none"` only at N_sup.
    const result = tf.tidy(() => {
      const steps = tf.add(c.steps, 1) as tf.Tensor1D;
      let halted = tf.greaterEqual(steps, nSup);
      if (nSup > 1 && halting !== "none") {
        const mayHalt = tf.greaterEqual(steps, tf.tensor1d(minHalt, "int32"));
        const says = haltsNow(halting, kept.qHalt, kept.qContinue);
        halted = tf.logicalOr(halted, tf.logicalAnd(says, mayHalt));
      }
      // As the reference logs them: losses over all rows, the rest over the rows that halted.
      const hf = tf.cast(halted, "float32");
      const [lmLoss, haltLoss, cellAcc, haltRight] = tf.unstack(kept.stats);
      const metrics = tf.stack([
        tf.reshape(loss, []),
        tf.mean(lmLoss!),
        tf.mean(haltLoss!),
        tf.mean(tf.mul(cellAcc!, hf)),
        tf.mean(tf.mul(haltRight!, hf)),
        tf.mean(tf.mul(kept.exact, hf)),
        tf.mean(tf.mul(tf.cast(steps, "float32"), hf)),
        tf.mean(hf),
      ]) as tf.Tensor1D;
      return { steps, halted: halted as tf.Tensor1D, metrics };
    });
    this.carries[i] = {
      y: kept.y,
      z: kept.z,
      steps: result.steps,
      halted: result.halted,
      inputs: c.inputs,
      labels: c.labels,
      puzzleIds,
    };
    tf.dispose([loss, kept.qHalt, kept.qContinue, kept.exact, kept.stats, c.y, c.z, c.steps]);
    return { grads, metrics: result.metrics, puzzleIds };
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
