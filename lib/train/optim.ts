/**
 * Optimisers and the learning-rate schedule (reference `pretrain.py`,
 * `adam_atan2`, `models/sparse_embedding.py`), written on tfjs ops.
 *
 * - AdamATan2 (the reference's optimiser for all dense weights): Adam whose
 *   step is atan2(m̂, sqrt(v̂)), so no epsilon and every step is bounded by
 *   lr·π/2; weight decay is decoupled.
 * - AdamW (what the paper's text names), for comparison.
 * - Sign-SGD with decoupled weight decay for the puzzle-embedding rows.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { kernelChoice } from "../backend/kernels.ts";
import { adamNative } from "../backend/native.ts";

/** Dense optimiser choice. */
export type OptimizerKind = "adamAtan2" | "adamw";

/** Hyper-parameters of the dense optimiser. */
export interface AdamOptions {
  kind: OptimizerKind;
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** AdamW only. */
  eps?: number;
}

/** Adam-family optimiser with first and second moments per variable. */
export class Adam {
  readonly opts: AdamOptions;
  /** Steps taken (t in the bias corrections). */
  t = 0;
  readonly m: Map<string, tf.Variable> = new Map();
  readonly v: Map<string, tf.Variable> = new Map();

  constructor(opts: AdamOptions) {
    this.opts = opts;
  }

  /** Applies one update to `params` (by name) from `grads` (by name) at rate `lr`. */
  apply(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, weightDecay: wd, kind } = this.opts;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    for (const [name, g] of Object.entries(grads)) {
      const p = params[name]!;
      const m = this.#slot(this.m, name, p);
      const v = this.#slot(this.v, name, p);
      if (kernelChoice().native) {
        // The same update in one native pass (native.ts; optim_test.ts compares them).
        tf.tidy(() => {
          const eps = this.opts.eps ?? 1e-8;
          const step = { beta1: b1, beta2: b2, c1, c2, lr, weightDecay: wd, eps };
          const [p2, m2, v2] = adamNative(p, g, m, v, { ...step, atan2: kind === "adamAtan2" });
          m.assign(m2);
          v.assign(v2);
          p.assign(p2);
        });
        continue;
      }
      tf.tidy(() => {
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const mHat = tf.div(m, c1);
        const step = kind === "adamAtan2"
          ? tf.atan2(mHat, tf.sqrt(tf.div(v, c2)))
          : tf.div(mHat, tf.add(tf.sqrt(tf.div(v, c2)), this.opts.eps ?? 1e-8));
        // Decoupled decay, applied before the step as torch does: p <- p(1 - lr wd) - lr step.
        p.assign(tf.sub(tf.mul(p, 1 - lr * wd), tf.mul(step, lr)));
      });
    }
  }

  #slot(map: Map<string, tf.Variable>, name: string, p: tf.Tensor): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.tidy(() => tf.variable(tf.zerosLike(p), false)); // tidy frees the zeros
      map.set(name, s);
    }
    return s;
  }

  /** Frees the moment buffers. */
  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/**
 * Sign-SGD with decoupled weight decay on the rows of a table that the batch
 * used: p <- p(1 - lr wd) - lr sign(g) on those rows, other rows untouched
 * ("Adam ≈ SignSGD if the gradient is very sparse", reference comment).
 * `used` is a [rows] 0/1 mask.
 */
export function signSgdRows(
  table: tf.Variable,
  grad: tf.Tensor,
  used: tf.Tensor1D,
  lr: number,
  weightDecay: number,
): void {
  tf.tidy(() => {
    const mask = tf.reshape(used, [-1, 1]);
    const updated = tf.sub(tf.mul(table, 1 - lr * weightDecay), tf.mul(tf.sign(grad), lr));
    table.assign(tf.add(tf.mul(updated, mask), tf.mul(table, tf.sub(1, mask))));
  });
}

/** 1 for the puzzle-embedding rows some row of the batch uses, else 0, float [numIds]. */
export function usedRows(ids: tf.Tensor1D, numIds: number): tf.Tensor1D {
  return tf.tidy(() => {
    const hit = tf.equal(tf.reshape(ids, [-1, 1]), tf.range(0, numIds, 1, "int32")); // [B, numIds]
    return tf.max(tf.cast(hit, "float32"), 0) as tf.Tensor1D;
  });
}

/** Warm-up then cosine schedule of the reference; with minRatio 1 it is constant after warm-up. */
export function learningRate(
  step: number,
  opts: { lr: number; warmup: number; total: number; minRatio: number },
): number {
  const { lr, warmup, total, minRatio } = opts;
  if (step < warmup) return (lr * step) / Math.max(1, warmup);
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return lr *
    (minRatio +
      Math.max(0, (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
}
