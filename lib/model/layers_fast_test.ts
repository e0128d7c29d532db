import * as tf from "@tensorflow/tfjs-core";
import { relDiff } from "../backend/compare.ts";
import { assert, assertEquals } from "../util/assert.ts";
import { chooseKernels, useBackend } from "../backend/mod.ts";
import { applyRope, attention, rmsNorm, ropeTables, swiglu } from "./layers.ts";

await useBackend("wasm");

/** Value and gradients of `f` with the closed-form gradients on and off. */
function bothWays(f: (xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]) {
  const run = (layers: "fast" | "readable") => {
    const before = chooseKernels({ layers });
    try {
      const g = tf.valueAndGrads((...a: tf.Tensor[]) => tf.sum(tf.sin(f(a))) as tf.Scalar)(xs);
      return { value: g.value, grads: g.grads };
    } finally {
      chooseKernels(before);
    }
  };
  return { fast: run("fast"), stock: run("readable") };
}

Deno.test("rmsNorm() closed-form gradient equals autodiff of the expression", async () => {
  const x = tf.randomNormal([4, 6, 16], 0.5, 2, "float32", 11);
  const { fast, stock } = bothWays(([a]) => rmsNorm(tf.mul(a!, 1.5), 1e-5), [x]);
  assert((await relDiff(fast.value, stock.value)) < 1e-6);
  const d = await relDiff(fast.grads[0]!, stock.grads[0]!);
  assert(d < 1e-5, `gradient differs by ${d}`);
  // And the gradient is not trivially zero (sin breaks rmsNorm's scale invariance).
  assert(tf.max(tf.abs(fast.grads[0]!)).dataSync()[0]! > 1e-3);
});

Deno.test("swiglu() closed-form silu(gate)·up gradient equals autodiff, for x and both weights", async () => {
  const x = tf.randomNormal([5, 8], 0, 1, "float32", 12);
  const gateUp = tf.randomNormal([8, 12], 0, 0.5, "float32", 13);
  const down = tf.randomNormal([6, 8], 0, 0.5, "float32", 14);
  const { fast, stock } = bothWays(([a, g, d]) => swiglu(a!, g!, d!), [x, gateUp, down]);
  assert((await relDiff(fast.value, stock.value)) < 1e-6);
  for (let i = 0; i < 3; i++) {
    const d = await relDiff(fast.grads[i]!, stock.grads[i]!);
    assert(d < 1e-5, `gradient ${i} differs by ${d}`);
  }
});

Deno.test("attention() with q, k, v projected one by one equals the fused 5-D layout, gradients too", async () => {
  const h = tf.randomNormal([2, 6, 16], 0, 1, "float32", 15);
  const qkv = tf.randomNormal([16, 48], 0, 0.3, "float32", 16);
  const out = tf.randomNormal([16, 16], 0, 0.3, "float32", 17);
  const rope = ropeTables(6, 4, 10000);
  const { fast, stock } = bothWays(
    ([a, w, o]) => attention(a as tf.Tensor3D, w!, o!, 4, rope),
    [h, qkv, out],
  );
  // fp32 rounding only: OpenBLAS multiplies the [16, 48] and [16, 16] weights
  // with different kernels (1.4e-6 measured); a wrong layout is off by O(1).
  const dv = await relDiff(fast.value, stock.value);
  assert(dv < 1e-5, `value differs by ${dv}`);
  for (let i = 0; i < 3; i++) {
    const d = await relDiff(fast.grads[i]!, stock.grads[i]!);
    assert(d < 1e-5, `gradient ${i} differs by ${d}`);
  }
});

Deno.test("applyRope() with rotate_half as a signed permutation product gives the split-and-concat numbers exactly, gradient too", async () => {
  const x = tf.randomNormal([2, 3, 5, 8], 0, 3, "float32", 18) as tf.Tensor4D;
  const { cos, sin } = ropeTables(5, 8, 10000);
  // The tfjs kernels (the native RoPE kernel is within rounding: native_test.ts).
  const before = chooseKernels({ native: false });
  try {
    const { fast, stock } = bothWays(([a]) => applyRope(a as tf.Tensor4D, cos, sin), [x]);
    assertEquals(await fast.value.data(), await stock.value.data());
    assertEquals(await fast.grads[0]!.data(), await stock.grads[0]!.data());
  } finally {
    chooseKernels(before);
  }
});
