/**
 * FLOPs of a training step, counted from the shapes, and the GFLOP/s of a
 * plain matMul on the active backend: the yardsticks of `deno task bench`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ModelConfig, swigluWidth, totalLength } from "@kit/model/mod.ts";

/** Matrix-multiply FLOPs of one application of the tiny network on a batch. */
export function netFlops(cfg: ModelConfig, batch: number): number {
  const l = totalLength(cfg), d = cfg.hiddenSize;
  const ic = swigluWidth(d, cfg.expansion);
  const channel = 2 * batch * l * d * 3 * ic; // gate_up (d -> 2ic) + down (ic -> d)
  let mixer: number;
  if (cfg.mixer === "mlp") {
    const it = swigluWidth(l, cfg.expansion);
    mixer = 2 * batch * d * l * 3 * it;
  } else {
    mixer = 2 * batch * l * d * 4 * d + 4 * batch * l * l * d; // qkv + out, scores + context
  }
  return cfg.layers * (channel + mixer);
}

/**
 * FLOPs of one training step (one supervision step): T recursions of n+1
 * network applications forward, and the backward of the last recursion
 * (about twice its forward). Embedding and heads are negligible.
 */
export function stepFlops(cfg: ModelConfig, batch: number): number {
  const recursion = (cfg.latentSteps + 1) * netFlops(cfg, batch);
  return cfg.recursions * recursion + 2 * recursion;
}

/**
 * GFLOP/s of a plain, untransposed 2-D matMul [m, k] x [k, n] on the active
 * backend. Only one element of the last product is read back: reading the
 * whole product each time took as long as computing it.
 */
export async function matMulGflops(m: number, k: number, n: number, reps = 10): Promise<number> {
  const a = tf.randomNormal([m, k]), b = tf.randomNormal([k, n]);
  const run = async (times: number) => {
    for (let i = 0; i < times; i++) {
      const c = tf.matMul(a, b);
      // Waiting on the last product waits on the ones queued before it (async backends).
      if (i === times - 1) {
        const corner = tf.slice(c, [0, 0], [1, 1]);
        await corner.data();
        corner.dispose();
      }
      c.dispose();
    }
  };
  await run(1);
  const t = performance.now();
  await run(reps);
  const sec = (performance.now() - t) / 1000 / reps;
  tf.dispose([a, b]);
  return (2 * m * k * n) / sec / 1e9;
}
