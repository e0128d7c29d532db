/**
 * Fused projection weights and their parts: SwiGLU's `gate_up_proj` [in, 2I]
 * and attention's `qkv_proj` [in, 3D] are stored fused, as in the reference,
 * and used in parts. Splitting them is performance plumbing, kept out of the
 * recursion (trm.ts): the model splits each once per supervision step
 * ({@link withSplitWeights}) and the layers take either form ({@link Fused}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Weights } from "./init.ts";
import { tidyTensors } from "./tidy.ts";

/**
 * A fused projection weight [in, k·out] (k = 2 for gate_up, 3 for qkv), or its
 * k parts already split along the output axis (by the model, once per
 * supervision step).
 */
export type Fused = tf.Tensor | readonly tf.Tensor[];

/** The k parts of a fused weight, split along the output axis if not already. */
export function fusedParts(w: Fused, count: number): tf.Tensor[] {
  return Array.isArray(w) ? [...w] : tf.split(w as tf.Tensor, count, 1);
}

/** The fused weight whole, its parts concatenated back if split. */
export function fusedWhole(w: Fused): tf.Tensor {
  return Array.isArray(w) ? tf.concat([...w], 1) : w as tf.Tensor;
}

/**
 * Runs `step` on the weights with every fused projection (SwiGLU's
 * `gate_up_proj`, attention's `qkv_proj`) also split into its parts, under
 * `<name>#0`, `<name>#1`, ...: once per supervision step instead of once per
 * net call (21 times at T=3, n=6), which cost 5-10% of a step on wasm. On
 * the tape the split is recorded once, and its gradient is one concat.
 */
export function withSplitWeights<T extends object>(w: Weights, step: (w: Weights) => T): T {
  return tidyTensors(() => {
    const split: Weights = { ...w };
    for (const [name, tensor] of Object.entries(w)) {
      const count = name.endsWith("gate_up_proj") ? 2 : name.endsWith("qkv_proj") ? 3 : 0;
      if (count) tf.split(tensor, count, 1).forEach((part, i) => split[`${name}#${i}`] = part);
    }
    return step(split);
  });
}

/** The parts of fused weight `name` if {@link withSplitWeights} split it, else the weight. */
export function fusedWeight(w: Weights, name: string): Fused {
  const parts: tf.Tensor[] = [];
  for (let i = 0; w[`${name}#${i}`]; i++) parts.push(w[`${name}#${i}`]!);
  return parts.length ? parts : w[name]!;
}
