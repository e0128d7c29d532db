/**
 * How far apart two tensors are, for the parity tests of the backend's
 * kernels against tfjs's and the readable layers.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** max |a − b| over max |b| (b the reference). */
export async function relDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  let d = 0, m = 1e-12;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}
