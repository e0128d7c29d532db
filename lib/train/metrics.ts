/**
 * The training statistics one optimiser step returns. They stay on the
 * device as one packed vector, so a step never syncs and a whole log window
 * is read back with a single `data()`; the slots are named here, once, for
 * both the packing and the reading.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * The slots of a step's vector, in packed order. Losses are means over the
 * batch's rows; the `…Halted` slots are sums over the rows that halted,
 * divided by the batch size, and `halted` is the fraction that halted.
 */
export const STEP_STATS = [
  "loss",
  "lmLoss",
  "haltLoss",
  "cellAccHalted",
  "haltRightHalted",
  "exactHalted",
  "stepsHalted",
  "halted",
] as const;
export type StepStats<T> = Record<typeof STEP_STATS[number], T>;

/** Packs a step's named scalars into its vector (on the device: no data sync). */
export function packStepStats(s: StepStats<tf.Tensor>): tf.Tensor1D {
  return tf.stack(STEP_STATS.map((k) => s[k])) as tf.Tensor1D;
}

/** Names the values of a vector read back from the device. */
export function readStepStats(v: ArrayLike<number>): StepStats<number> {
  return Object.fromEntries(STEP_STATS.map((k, i) => [k, v[i]!])) as StepStats<number>;
}

/** Names of the training metrics, in the order metrics.jsonl writes them. */
export const TRAIN_METRICS = [
  "loss",
  "lmLoss",
  "haltLoss",
  "tokenAcc",
  "haltAcc",
  "exactAcc",
  "stepsAtHalt",
  "haltedFrac",
] as const;
export type TrainMetrics = Record<typeof TRAIN_METRICS[number], number>;

/**
 * Turns the mean over steps of trainStep's vectors into metrics. Accuracy and
 * steps at halt are ratios of sums over the halted rows of all those steps,
 * so steps where no row halted do not count as zeros.
 */
export function trainMetrics(mean: ArrayLike<number>): TrainMetrics {
  const s = readStepStats(mean);
  const overHalted = (x: number) => (s.halted > 0 ? x / s.halted : 0);
  return {
    loss: s.loss,
    lmLoss: s.lmLoss,
    haltLoss: s.haltLoss,
    tokenAcc: overHalted(s.cellAccHalted),
    haltAcc: overHalted(s.haltRightHalted),
    exactAcc: overHalted(s.exactHalted),
    stepsAtHalt: overHalted(s.stepsHalted),
    haltedFrac: s.halted,
  };
}
