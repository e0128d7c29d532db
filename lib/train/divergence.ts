/**
 * The divergence check: a run whose loss, or whose weights about to be
 * checkpointed, are no longer finite stops with an error that names the
 * last good checkpoint, which is kept.
 *
 * @module
 */
import type { TensorFile } from "../util/safetensors.ts";
import type { TrainLog } from "./log_window.ts";

/** Checks each log and checkpoint of a run, remembering the last good checkpoint. */
export class DivergenceCheck {
  #saved: { step: number; path: string } | undefined;

  /** Returns `log` if its loss is finite; throws otherwise. */
  loss(log: TrainLog): TrainLog {
    const { loss, lmLoss } = log.metrics;
    if (!Number.isFinite(loss) || !Number.isFinite(lmLoss)) {
      throw this.#diverged(
        `the loss became ${loss} between steps ${log.since + 1} and ${log.step}`,
      );
    }
    return log;
  }

  /** Returns `file` if every float in it is finite; throws otherwise. */
  weights(file: TensorFile, step: number): TensorFile {
    const bad = Object.entries(file.tensors).find(([, x]) =>
      x.dtype === "F32" && !x.data.every(Number.isFinite)
    );
    if (bad) throw this.#diverged(`${bad[0]} holds NaN or Inf at step ${step}`);
    return file;
  }

  /** Records a checkpoint written after its checks passed. */
  saved(step: number, path: string): void {
    this.#saved = { step, path };
  }

  #diverged(what: string): Error {
    const kept = this.#saved
      ? `the last good checkpoint (step ${this.#saved.step}) is kept at ${this.#saved.path}`
      : "no checkpoint had been written";
    return new Error(
      `training diverged: ${what}; ${kept}; try a lower --lr or a longer --warmupSteps`,
    );
  }
}
