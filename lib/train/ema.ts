/**
 * Exponential moving average of the dense weights (reference `models/ema.py`):
 * after each optimiser step, shadow <- rate·shadow + (1 - rate)·param.
 * Evaluation and checkpoints use the shadow weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Shadow copies of a set of weights. */
export class Ema {
  readonly rate: number;
  readonly shadow: Record<string, tf.Variable> = {};

  constructor(params: Record<string, tf.Tensor>, rate: number) {
    this.rate = rate;
    for (const [name, p] of Object.entries(params)) {
      // tidy frees the clone; the variable keeps its data.
      this.shadow[name] = tf.tidy(() => tf.variable(tf.clone(p), false));
    }
  }

  /** Moves every shadow towards its parameter. */
  update(params: Record<string, tf.Tensor>): void {
    tf.tidy(() => {
      for (const [name, s] of Object.entries(this.shadow)) {
        s.assign(tf.add(tf.mul(s, this.rate), tf.mul(params[name]!, 1 - this.rate)));
      }
    });
  }

  dispose(): void {
    for (const s of Object.values(this.shadow)) s.dispose();
  }
}
