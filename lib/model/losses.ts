/**
 * Losses of deep supervision (reference `models/losses.py`, `ACTLossHead`):
 * stablemax or softmax cross-entropy on the answer, BCE on the halting logit.
 *
 * Shapes: B batch, S puzzle tokens, V vocab.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Label id that is never scored (PAD), `ignore_label_id`. */
export const IGNORE_LABEL = 0;

/** Cross-entropy flavour: the reference trains with stablemax. */
export type LossKind = "stablemax" | "softmax";

/**
 * log stablemax (Prieto et al. 2025): s(x) = x + 1 for x >= 0, 1 / (1 - x)
 * for x < 0; log p = log s(x_i) - log sum_j s(x_j). The negative branch gets
 * its input clamped to <= 0 so that, where it is not selected, it never
 * makes an Inf whose 0 * Inf gradient would be NaN. The reference runs this
 * in float64; fp32 is fine because s grows only linearly.
 */
export function logStablemax(logits: tf.Tensor): tf.Tensor {
  const pos = tf.add(logits, 1);
  const neg = tf.div(1, tf.sub(1, tf.minimum(logits, 0)));
  const s = tf.where(tf.greaterEqual(logits, 0), pos, neg);
  return tf.sub(tf.log(s), tf.log(tf.sum(s, -1, true)));
}

/**
 * Per-row answer loss, [B]: cross-entropy summed over the valid tokens of a
 * row and divided by their count (a per-sequence mean), labels [B, S] int32.
 */
export function answerLoss(logits: tf.Tensor3D, labels: tf.Tensor2D, kind: LossKind): tf.Tensor1D {
  const vocab = logits.shape[2];
  const logp = kind === "stablemax" ? logStablemax(logits) : tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, vocab)), -1); // [B, S]
  const mask = tf.cast(tf.notEqual(labels, IGNORE_LABEL), "float32");
  const count = tf.maximum(tf.sum(mask, -1), 1);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, mask), -1)), count) as tf.Tensor1D;
}

/** Binary cross-entropy with logits, elementwise: max(x,0) - x*t + log(1 + e^-|x|). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, targets)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
  );
}

/**
 * Whether each row's argmax answer is right on every valid token, as 0/1
 * float [B] (the halting target); rows with no valid token count as right.
 * Also returns the number of correct and of valid tokens per row.
 */
export function rowCorrectness(
  logits: tf.Tensor3D,
  labels: tf.Tensor2D,
): { exact: tf.Tensor1D; correct: tf.Tensor1D; valid: tf.Tensor1D } {
  return tf.tidy(() => {
    const pred = tf.argMax(logits, -1);
    const mask = tf.notEqual(labels, IGNORE_LABEL);
    const hit = tf.logicalAnd(tf.equal(pred, labels), mask);
    const correct = tf.sum(tf.cast(hit, "float32"), -1) as tf.Tensor1D;
    const valid = tf.sum(tf.cast(mask, "float32"), -1) as tf.Tensor1D;
    return { exact: tf.cast(tf.equal(correct, valid), "float32") as tf.Tensor1D, correct, valid };
  });
}
