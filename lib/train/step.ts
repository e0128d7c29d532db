/**
 * One supervision step of one micro-batch, in the three parts the Trainer
 * chains: rows that halted restart ({@link restartHalted}), every row takes
 * one step with its own loss and gradients ({@link supervise}), and halting
 * is decided without gradient ({@link decideHalting}).
 *
 * Shapes: B batch, S puzzle tokens, L = prefix + S, D hidden.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded } from "../data/encoding.ts";
import type { Halting } from "../model/config.ts";
import { haltsNow } from "../model/halting.ts";
import type { Weights } from "../model/init.ts";
import { noGrad } from "../model/nograd.ts";
import type { TRM } from "../model/trm.ts";
import { type StepLoss, type StepLossOptions, supervisionLoss } from "./loss.ts";
import { packStepStats } from "./metrics.ts";

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

/** The rows of a step before halting is decided. */
export type StepRows = Omit<Carry, "halted">;

/** The carry before the first step: every row halted, so every row loads. */
export function initialCarry(model: TRM, weights: Weights, b: number, seqLen: number): Carry {
  return {
    ...model.initialState(weights, b),
    steps: tf.zeros([b], "int32"),
    halted: tf.ones([b], "bool"),
    inputs: tf.zeros([b, seqLen], "int32"),
    labels: tf.zeros([b, seqLen], "int32"),
    puzzleIds: tf.zeros([b], "int32"),
  };
}

/** Part 1: rows that halted restart: fresh puzzle, y_init/z_init, step count 0. Disposes `old`. */
export function restartHalted(model: TRM, weights: Weights, old: Carry, batch: Encoded): StepRows {
  const [b, s] = old.inputs.shape;
  const c = tf.tidy(() => {
    const h3 = tf.reshape(old.halted, [b, 1, 1]);
    const h2 = tf.reshape(old.halted, [b, 1]);
    const init = model.initialState(weights, b);
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
  return c;
}

/** What part 2 hands on: the loss, the gradients, and the tensors halting and the carry need. */
export interface Supervised {
  loss: tf.Scalar;
  grads: Record<string, tf.Tensor>;
  y: tf.Tensor3D;
  z: tf.Tensor3D;
  qHalt: tf.Tensor1D;
  qContinue: tf.Tensor1D;
  exact: tf.Tensor1D;
  rows: RowStats;
}

/** Per row [B], for the step's statistics: answer and halting loss (batch means, broadcast), cell accuracy, halting right. */
export interface RowStats {
  lmLoss: tf.Tensor1D;
  haltLoss: tf.Tensor1D;
  cellAcc: tf.Tensor1D;
  haltRight: tf.Tensor1D;
}

/**
 * Part 2: one supervision step for every row, with its own loss (deep
 * supervision, scored by loss.ts), and its gradients for the weights `names`.
 */
export function supervise(
  model: TRM,
  weights: Record<string, tf.Variable>,
  names: string[],
  c: StepRows,
  opts: StepLossOptions,
): Supervised {
  let kept!: Omit<Supervised, "loss" | "grads">;
  const trainable = names.map((n) => weights[n]!);
  const { value: loss, grads: byVariable } = tf.variableGrads(() => {
    const q = { inputs: c.inputs, puzzleIds: c.puzzleIds };
    const out = model.supervisionStep(weights, q, { y: c.y, z: c.z });
    const l = supervisionLoss(model, weights, out, c, opts);
    kept = {
      y: tf.keep(out.state.y),
      z: tf.keep(out.state.z),
      qHalt: tf.keep(out.qHalt),
      qContinue: tf.keep(out.qContinue),
      exact: tf.keep(l.exact),
      rows: noGrad(() => rowStats(l, out.qHalt)),
    };
    return l.loss;
  }, trainable);
  // A weight the loss does not reach (the q head under `halting: "none"`) gets
  // a zero gradient, so it still takes weight decay as in the reference.
  const grads = Object.fromEntries(
    trainable.map((v, n) => [names[n]!, byVariable[v.name] ?? tf.zerosLike(v)]),
  );
  return { loss, grads, ...kept };
}

/** The step's {@link RowStats}, kept past the gradient's tidy. */
function rowStats(l: StepLoss, qHalt: tf.Tensor1D): RowStats {
  const b = qHalt.shape[0];
  const row = (t: tf.Tensor) => tf.keep(tf.broadcastTo(t, [b]) as tf.Tensor1D);
  return {
    lmLoss: row(tf.div(l.lm, b)),
    haltLoss: row(tf.div(l.halt, b)),
    cellAcc: row(tf.div(l.correct, tf.maximum(l.valid, 1))),
    haltRight: row(
      tf.cast(tf.equal(tf.greaterEqual(qHalt, 0), tf.cast(l.exact, "bool")), "float32"),
    ),
  };
}

/**
 * Part 3: halting, decided without gradient: at N_sup, or when the head says
 * so (TRM: q_halt > 0; ACT: q_halt > q_continue) once the row's exploration
 * minimum `minHalt` is reached. With `halting: "none"` only at N_sup. Returns
 * the next carry (taking over the tensors it keeps, disposing the rest) and
 * the step's statistics, packed (metrics.ts).
 */
export function decideHalting(
  c: StepRows,
  s: Supervised,
  minHalt: Int32Array,
  nSup: number,
  halting: Halting,
): { carry: Carry; stats: tf.Tensor1D } {
  const result = tf.tidy(() => {
    const steps = tf.add(c.steps, 1) as tf.Tensor1D;
    let halted = tf.greaterEqual(steps, nSup);
    if (nSup > 1 && halting !== "none") {
      const mayHalt = tf.greaterEqual(steps, tf.tensor1d(minHalt, "int32"));
      const says = haltsNow(halting, s.qHalt, s.qContinue);
      halted = tf.logicalOr(halted, tf.logicalAnd(says, mayHalt));
    }
    return { steps, halted: halted as tf.Tensor1D, stats: stepStats(s, steps, halted) };
  });
  const carry = {
    y: s.y,
    z: s.z,
    steps: result.steps,
    halted: result.halted,
    inputs: c.inputs,
    labels: c.labels,
    puzzleIds: c.puzzleIds,
  };
  tf.dispose([s.loss, s.qHalt, s.qContinue, s.exact, ...Object.values(s.rows), c.y, c.z, c.steps]);
  return { carry, stats: result.stats };
}

/** The step's statistics, as the reference logs them: losses over all rows, the rest over the rows that halted. */
function stepStats(s: Supervised, steps: tf.Tensor1D, halted: tf.Tensor): tf.Tensor1D {
  const hf = tf.cast(halted, "float32");
  const { lmLoss, haltLoss, cellAcc, haltRight } = s.rows;
  return packStepStats({
    loss: tf.reshape(s.loss, []),
    lmLoss: tf.mean(lmLoss),
    haltLoss: tf.mean(haltLoss),
    cellAccHalted: tf.mean(tf.mul(cellAcc, hf)),
    haltRightHalted: tf.mean(tf.mul(haltRight, hf)),
    exactHalted: tf.mean(tf.mul(s.exact, hf)),
    stepsHalted: tf.mean(tf.mul(tf.cast(steps, "float32"), hf)),
    halted: tf.mean(hf),
  });
}
