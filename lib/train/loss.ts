/**
 * The loss of one supervision step, as the trainer computes it (reference
 * `ACTLossHead`): the answer's cross-entropy plus, weighted, the halting
 * loss, whose target is whether the row's answer is exactly right (and, for
 * HRM's ACT, a Q-learning target for q_continue). One function, so the
 * trainer and the benchmark (experiments/bench/) score a step the same way.
 *
 * Shapes: B batch, S puzzle tokens.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Halting } from "../model/config.ts";
import { continueTarget } from "../model/halting.ts";
import type { Weights } from "../model/init.ts";
import { answerLoss, bceWithLogits, type LossKind, rowCorrectness } from "../model/losses.ts";
import { noGrad } from "../model/nograd.ts";
import type { StepOutput, TRM } from "../model/trm.ts";

/** How a step is scored: the train config's `loss` and `haltLossWeight`, the model's `halting`. */
export interface StepLossOptions {
  loss: LossKind;
  halting: Halting;
  haltLossWeight: number;
}

/** The rows a step was run on: their question, labels [B, S] and supervision steps so far [B]. */
export interface LossRows {
  inputs: tf.Tensor2D;
  labels: tf.Tensor2D;
  puzzleIds: tf.Tensor1D;
  steps: tf.Tensor1D;
}

/** The loss and its parts (sums over the rows), with the rows' correctness (no gradient). */
export interface StepLoss {
  /** (lm + haltLossWeight · halt) / B: what is differentiated. */
  loss: tf.Scalar;
  /** Answer loss summed over the rows (each row a per-token mean). */
  lm: tf.Tensor;
  /** Halting loss summed over the rows (0 with `halting: "none"`). */
  halt: tf.Tensor;
  /** Per row: answer exactly right (0/1), correct and valid tokens, [B]. */
  exact: tf.Tensor1D;
  correct: tf.Tensor1D;
  valid: tf.Tensor1D;
}

/**
 * Scores `out`, the supervision step `model` ran on `rows`. With `halting:
 * "qAct"` the q_continue target needs one more step ahead on `out.state`,
 * run without gradient.
 */
export function supervisionLoss(
  model: TRM,
  weights: Weights,
  out: StepOutput,
  rows: LossRows,
  opts: StepLossOptions,
): StepLoss {
  const b = rows.inputs.shape[0];
  const lm = tf.sum(answerLoss(out.logits, rows.labels, opts.loss));
  // Targets of the halting head and accuracy metrics: computed without gradient.
  const r = noGrad(() => rowCorrectness(out.logits, rows.labels));
  let halt: tf.Tensor = tf.scalar(0);
  if (opts.halting !== "none") halt = tf.sum(bceWithLogits(out.qHalt, r.exact));
  if (opts.halting === "qAct") {
    const q = { inputs: rows.inputs, puzzleIds: rows.puzzleIds };
    const target = continueTarget(model, weights, q, out.state, rows.steps);
    halt = tf.add(halt, tf.sum(bceWithLogits(out.qContinue, target)));
  }
  // Reference: per-row means summed over rows, then / global batch size.
  const loss = tf.div(tf.add(lm, tf.mul(halt, opts.haltLossWeight)), b) as tf.Scalar;
  return { loss, lm, halt, ...r };
}
