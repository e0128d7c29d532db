/**
 * The training statistics one optimiser step returns, as a vector kept on
 * the device (no data sync in the step), and their names once read.
 *
 * @module
 */

/** Names of the values in a training-metrics vector, in order. */
export const TRAIN_METRICS = [
  "loss",
  "lmLoss",
  "haltLoss",
  "tokenAcc",
  "exactAcc",
  "haltAcc",
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
  const [loss, lmLoss, haltLoss, cell, haltRight, exact, steps, halted] = Array.from(mean);
  const overHalted = (x: number | undefined) => (halted! > 0 ? x! / halted! : 0);
  return {
    loss: loss!,
    lmLoss: lmLoss!,
    haltLoss: haltLoss!,
    tokenAcc: overHalted(cell),
    haltAcc: overHalted(haltRight),
    exactAcc: overHalted(exact),
    stepsAtHalt: overHalted(steps),
    haltedFrac: halted!,
  };
}
