/**
 * Faster equivalents of parts of the network, with hand-written gradients:
 * the same values as the readable layers of lib/model/layers.ts, in fewer
 * or faster kernels. Which ones run is chosen in kernels.ts; the parity
 * tests against the readable layers are lib/model/layers_test.ts and
 * layers_fast_test.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** tf.customGrad for a function of tensors, typed: its own typing cannot express (a, b, save). */
function customGrad<A extends tf.Tensor[], R extends tf.Tensor>(
  f: (
    ...args: [...A, tf.GradSaveFunc]
  ) => { value: R; gradFunc: (dy: R, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): (...args: A) => R {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    ...args: A
  ) => R;
}

/**
 * x·W with a gradient that only uses plain, untransposed 2-D matMuls.
 *
 * tfjs's stock matMul gradient calls matMul with transposeA/transposeB,
 * which the wasm backend runs in a naive loop 12-35x slower than its XNNPACK
 * path. Transposing explicitly first keeps every product on the fast path
 * (../shared/docs/platform-notes.md). The result is identical on all backends.
 */
export const matMulTransposeFree = customGrad<[tf.Tensor2D, tf.Tensor2D], tf.Tensor2D>(
  (x, w, save) => {
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const [inDim, outDim] = ws.shape;
        // dW = xᵀ·dy, or (dyᵀ·x)ᵀ when the output is the wider side: XNNPACK
        // runs a product faster with the longer side of the result as its
        // rows (it repacks the right operand, [K, N], for every new tensor):
        // at the anchor shape [512, 2592]·[2592, 128] ran at 59 GFLOP/s,
        // [128, 2592]·[2592, 512] at 36.
        const dw = inDim >= outDim
          ? tf.matMul(tf.transpose(xs), dy)
          : tf.transpose(tf.matMul(tf.transpose(dy), xs));
        return [tf.matMul(dy, tf.transpose(ws)), dw];
      },
    };
  },
);

/**
 * RMSNorm with its gradient in closed form: with r = rsqrt(mean(x²) + eps)
 * and y = x·r, dx = r·(dy − y·mean(dy·y)) over the last axis (5 kernels,
 * against about 10 for autodiff of the readable expression).
 */
export function rmsNormClosedForm(x: tf.Tensor, eps: number): tf.Tensor {
  const f = customGrad<[tf.Tensor], tf.Tensor>((xi, save) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xi), -1, true), eps));
    const y = tf.mul(xi, r);
    save([y, r]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [ys, rs] = saved as [tf.Tensor, tf.Tensor];
        return tf.mul(rs, tf.sub(dy, tf.mul(ys, tf.mean(tf.mul(dy, ys), -1, true))));
      },
    };
  });
  return f(x);
}

/**
 * silu(gate)·up with its gradient in closed form: with s = sigmoid(gate) and
 * a = gate·s, d(up) = dy·a and d(gate) = dy·up·(s + a·(1 − s)).
 */
export const siluGateClosedForm = customGrad<[tf.Tensor, tf.Tensor], tf.Tensor>(
  (gate, up, save) => {
    const s = tf.sigmoid(gate);
    const a = tf.mul(gate, s);
    save([s, a, up]);
    return {
      value: tf.mul(a, up),
      gradFunc: (dy, saved) => {
        const [ss, as, ups] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dGate = tf.mul(tf.mul(dy, ups), tf.add(ss, tf.mul(as, tf.sub(1, ss))));
        return [dGate, tf.mul(dy, as)];
      },
    };
  },
);
