import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals } from "../util/assert.ts";
import { chooseKernels, useBackend } from "../backend/mod.ts";
import { embed, linear, rmsNorm } from "./layers.ts";
import { noGrad } from "./nograd.ts";
import { bceWithLogits, logStablemax } from "./losses.ts";

await useBackend("wasm");

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
}

Deno.test("linear() fast gradient equals tfjs's stock matMul gradient (narrowing and widening weights)", () => {
  // [5, 3] takes xᵀ·dy for the weight's gradient, [3, 5] takes (dyᵀ·x)ᵀ.
  for (const [inDim, outDim] of [[5, 3], [3, 5]]) {
    const x = tf.randomNormal([7, inDim!], 0, 1, "float32", 1);
    const w = tf.randomNormal([inDim!, outDim!], 0, 1, "float32", 2);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.sin(linear(a, b)));
    const before = chooseKernels({ matMulGrad: "stock" });
    const [sx, sw] = tf.grads(f)([x, w]);
    chooseKernels({ matMulGrad: "transposeFree" });
    const [fx, fw] = tf.grads(f)([x, w]);
    chooseKernels(before);
    assert(maxDiff(sx!, fx!) < 1e-5 && maxDiff(sw!, fw!) < 1e-5, `${inDim} -> ${outDim}`);
    assert(maxDiff(sw!, tf.zerosLike(sw!)) > 1e-2, "a gradient that is not trivially zero");
  }
});

Deno.test("embed() gradient sums the rows' upstream gradients (as gather's would)", () => {
  const table = tf.randomNormal([4, 3], 0, 1, "float32", 3);
  const ids = tf.tensor2d([[0, 2], [2, 3]], [2, 2], "int32");
  const g = tf.grad((t: tf.Tensor) => tf.sum(embed(t, ids)))(table);
  // Row r receives one unit per occurrence of id r: [1, 0, 2, 1] occurrences.
  const expect = tf.tensor2d([[1, 1, 1], [0, 0, 0], [2, 2, 2], [1, 1, 1]]);
  assert(maxDiff(g, expect) < 1e-6);
  assert(maxDiff(embed(table, ids), tf.gather(table, ids)) < 1e-6);
});

Deno.test("rmsNorm() makes the root-mean-square of the last axis one", () => {
  const x = tf.randomNormal([3, 8], 2, 3, "float32", 4);
  const ms = tf.mean(tf.square(rmsNorm(x, 1e-5)), -1).dataSync();
  for (const v of ms) assertAlmostEquals(v, 1, 1e-3);
});

Deno.test("logStablemax() matches its definition and has finite gradients", () => {
  const x = tf.tensor1d([-3, -0.5, 0, 2]);
  const s = [1 / 4, 1 / 1.5, 1, 3];
  const total = s.reduce((a, b) => a + b);
  const got = logStablemax(x).dataSync();
  s.forEach((v, i) => assertAlmostEquals(got[i]!, Math.log(v / total), 1e-5));
  const g = tf.grad((t: tf.Tensor) => tf.sum(logStablemax(t)))(tf.tensor1d([1, -1, 1e3, -1e3]))
    .dataSync();
  assert(g.every(Number.isFinite));
});

Deno.test("bceWithLogits() equals -t log σ(x) - (1-t) log(1-σ(x))", () => {
  const x = [-2, 0.3, 4], t = [1, 0, 1];
  const got = bceWithLogits(tf.tensor1d(x), tf.tensor1d(t)).dataSync();
  x.forEach((v, i) => {
    const p = 1 / (1 + Math.exp(-v));
    assertAlmostEquals(got[i]!, -(t[i]! * Math.log(p) + (1 - t[i]!) * Math.log(1 - p)), 1e-5);
  });
});

Deno.test("noGrad() leaves its ops off the tape", () => {
  const w = tf.scalar(3);
  // y = w*w computed inside noGrad is a constant: d(y + w)/dw = 1, not 2w + 1.
  const g = tf.grad((v: tf.Tensor) => tf.add(noGrad(() => tf.mul(v, v)), v))(w);
  assertAlmostEquals(g.dataSync()[0]!, 1, 1e-6);
});
