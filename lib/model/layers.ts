/**
 * The parts of the tiny network (reference `models/layers.py`): linear maps,
 * the weightless RMSNorm, SwiGLU, rotary embeddings and attention.
 *
 * Shapes: B batch, L sequence length (puzzle prefix included), D hidden size,
 * N = rows of a 2-D activation (usually B*L).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node build registers no gradients and its ESM files cannot be
// imported one by one in Deno (extensionless paths); the union package's Node
// bundle registers them all on the same (deduplicated) tfjs-core.
import "@tensorflow/tfjs";
// Which implementation runs is the backend's choice, made once by useBackend;
// the fast ones compute the same values (layers_test.ts, layers_fast_test.ts).
import { kernelChoice } from "../backend/kernels.ts";
import {
  matMulTransposeFree,
  rmsNormClosedForm,
  siluGateClosedForm,
} from "../backend/fast_layers.ts";
import {
  addRmsNormNative,
  rmsNormNative,
  ropeNative,
  siluGateNative,
  softmaxNative,
} from "../backend/native.ts";
import { type Fused, fusedParts, fusedWhole } from "./fused.ts";

/**
 * x·W over the last axis of x: [..., in] x [in, out] -> [..., out]. On wasm
 * without BLAS, with a gradient free of transposed products (XNNPACK runs
 * those 12-35x slower).
 */
export function linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = w.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x as tf.Tensor2D : tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  const y = kernelChoice().matMulGrad === "transposeFree"
    ? matMulTransposeFree(x2, w as tf.Tensor2D)
    : tf.matMul(x2, w as tf.Tensor2D);
  return x.rank === 2 ? y : tf.reshape(y, [...lead, outDim]);
}

/**
 * Embedding lookup as oneHot(ids)·E. tfjs's `gather` has no gradient on wasm
 * (it needs UnsortedSegmentSum); the one-hot product has one everywhere and is
 * cheap for small vocabularies. ids: [...] int32 -> [..., D].
 */
export function embed(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [rows] = table.shape as [number, number];
  const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
  // tf.oneHot refuses depth 1 (Sudoku's single puzzle id): every row is then that one row.
  const oneHot = rows === 1
    ? tf.ones([flat.shape[0], 1])
    : tf.cast(tf.oneHot(flat, rows), "float32");
  const out = linear(oneHot, table);
  return tf.reshape(out, [...ids.shape, table.shape[1]!]);
}

/**
 * RMSNorm without a gain over the last axis: x / sqrt(mean(x^2) + eps).
 * With the backend's fast layers (lib/backend/kernels.ts), the same values
 * with a closed-form gradient.
 */
export function rmsNorm(x: tf.Tensor, eps: number): tf.Tensor {
  const { layers, native } = kernelChoice();
  if (layers === "fast") return native ? rmsNormNative(x, eps) : rmsNormClosedForm(x, eps);
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)));
}

/**
 * rmsNorm(a + b): the post-norm block's residual sum and norm. With the native
 * kernels one pass, without the sum as a tensor of its own.
 */
export function addRmsNorm(a: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { layers, native } = kernelChoice();
  if (layers === "fast" && native) return addRmsNormNative(a, b, eps);
  return rmsNorm(tf.add(a, b), eps);
}

/**
 * SwiGLU on the last axis: down(silu(gate) * up), with gate and up the two
 * halves of one fused projection (`gate_up_proj`), no biases.
 *
 * The fused weight is split, not its output: wasm's SplitV on a wide
 * activation cost as much as all the matMuls of a step (profiled at the bench
 * shape), while splitting the [in, 2I] weight is nearly free.
 */
export function swiglu(x: tf.Tensor, gateUp: Fused, down: tf.Tensor): tf.Tensor {
  const [wGate, wUp] = fusedParts(gateUp, 2) as [tf.Tensor, tf.Tensor];
  const gate = linear(x, wGate), up = linear(x, wUp);
  const { layers, native } = kernelChoice();
  const hidden = layers === "readable"
    ? tf.mul(tf.mul(gate, tf.sigmoid(gate)), up)
    : native
    ? siluGateNative(gate, up)
    : siluGateClosedForm(gate, up);
  return linear(hidden, down);
}

/** cos and sin tables for RoPE, [L, headDim], frequencies repeated twice (rotate_half layout). */
export function ropeTables(
  length: number,
  headDim: number,
  theta: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = headDim / 2;
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p / Math.pow(theta, (2 * i) / headDim);
      for (const j of [i, i + half]) {
        cos[p * headDim + j] = Math.cos(angle);
        sin[p * headDim + j] = Math.sin(angle);
      }
    }
  }
  return { cos: tf.tensor2d(cos, [length, headDim]), sin: tf.tensor2d(sin, [length, headDim]) };
}

/**
 * Rotary embedding on [B, H, L, hd]: x*cos + rotate_half(x)*sin, rotate_half(x) = [-x2, x1].
 * With the fast layers, rotate_half is a product with a signed permutation
 * matrix: the same numbers (each output is one input times ±1), where wasm's
 * split and concat along the last axis took 26% of an attention step at the
 * study shape (`deno task bench --profile`). With the native kernels, all of
 * it is one kernel each way: the product, two multiplies and the add were
 * still 13% of that step.
 */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  const half = x.shape[3] / 2;
  const { layers, native } = kernelChoice();
  if (layers === "fast" && native) return ropeNative(x, cos, sin) as tf.Tensor4D;
  let rotated: tf.Tensor;
  if (layers === "fast") {
    rotated = linear(x, tf.tensor2d(rotateHalfMatrix(x.shape[3]), [2 * half, 2 * half]));
  } else {
    const [x1, x2] = tf.split(x, [half, half], 3) as [tf.Tensor4D, tf.Tensor4D];
    rotated = tf.concat([tf.neg(x2), x1], 3);
  }
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin)) as tf.Tensor4D;
}

const rotateHalfMatrices = new Map<number, Float32Array>();

/** P with x·P = rotate_half(x) = [-x2, x1] for rows x of `hd` values. */
function rotateHalfMatrix(hd: number): Float32Array {
  let p = rotateHalfMatrices.get(hd);
  if (!p) {
    p = new Float32Array(hd * hd);
    const half = hd / 2;
    for (let i = 0; i < half; i++) {
      p[(i + half) * hd + i] = -1; // output i takes -x2[i]
      p[i * hd + i + half] = 1; // output half + i takes x1[i]
    }
    rotateHalfMatrices.set(hd, p);
  }
  return p;
}

/**
 * Non-causal multi-head self-attention with a fused qkv projection and no
 * biases: [B, L, D] -> [B, L, D]. RoPE on q and k when tables are given.
 */
export function attention(
  h: tf.Tensor3D,
  qkv: Fused,
  out: tf.Tensor,
  heads: number,
  rope?: { cos: tf.Tensor2D; sin: tf.Tensor2D },
): tf.Tensor3D {
  const [b, l, d] = h.shape;
  const hd = d / heads;
  let q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D;
  if (kernelChoice().layers === "fast") {
    // The same numbers without the 5-D transpose below, which wasm runs in a
    // generic loop (80 ms at [32, 81, 3, 8, 16], against 1 ms for each 4-D
    // transpose here): split the weight, not the output, as swiglu does.
    const heads4 = (w: tf.Tensor) =>
      tf.transpose(tf.reshape(linear(h, w), [b, l, heads, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    [q, k, v] = fusedParts(qkv, 3).map(heads4) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
  } else {
    const proj = tf.reshape(linear(h, fusedWhole(qkv)), [b, l, 3, heads, hd]);
    const qkvT = tf.transpose(proj, [2, 0, 3, 1, 4]); // [3, B, H, L, hd]
    [q, k, v] = tf.unstack(qkvT, 0) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  }
  if (rope) {
    q = applyRope(q, rope.cos, rope.sin);
    k = applyRope(k, rope.cos, rope.sin);
  }
  const scores = tf.matMul(q, k, false, true); // [B, H, L, L]
  const { layers, native } = kernelChoice();
  const probs = layers === "fast" && native
    ? softmaxNative(scores, 1 / Math.sqrt(hd))
    : tf.softmax(tf.mul(scores, 1 / Math.sqrt(hd)));
  const ctx = tf.matMul(probs, v); // [B, H, L, hd]
  const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [b, l, d]);
  return linear(merged, out) as tf.Tensor3D;
}
