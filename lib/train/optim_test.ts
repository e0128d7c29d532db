import * as tf from "@tensorflow/tfjs-core";
import { assertAlmostEquals, assertEquals } from "../util/assert.ts";
import { useBackend } from "../backend/mod.ts";
import { Adam, learningRate, signSgdRows } from "./optim.ts";
import { Ema } from "./ema.ts";

await useBackend("wasm");

Deno.test("Adam (adamAtan2) follows the reference update rule for three steps", () => {
  const p = tf.variable(tf.tensor1d([0.5, -1]));
  const opt = new Adam({ kind: "adamAtan2", beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
  const grads = [[0.2, -0.4], [0.1, 0.3], [-0.5, 0.05]];
  let ref = [0.5, -1];
  const m = [0, 0], v = [0, 0];
  const lr = 0.01;
  grads.forEach((g, k) => {
    opt.apply({ p }, { p: tf.tensor1d(g) }, lr);
    const t = k + 1;
    ref = ref.map((x, i) => {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.95 * v[i]! + 0.05 * g[i]! ** 2;
      const step = Math.atan2(m[i]! / (1 - 0.9 ** t), Math.sqrt(v[i]!) / Math.sqrt(1 - 0.95 ** t));
      return x * (1 - lr * 0.1) - lr * step;
    });
  });
  const got = p.dataSync();
  ref.forEach((x, i) => assertAlmostEquals(got[i]!, x, 1e-6));
  opt.dispose();
});

Deno.test("Adam (adamw) matches AdamW with decoupled decay", () => {
  const p = tf.variable(tf.tensor1d([1]));
  const opt = new Adam({ kind: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: 0.5, eps: 1e-8 });
  opt.apply({ p }, { p: tf.tensor1d([2]) }, 0.1);
  // Step 1: m̂ = g, v̂ = g², step = g/|g| = 1.
  assertAlmostEquals(p.dataSync()[0]!, 1 * (1 - 0.05) - 0.1, 1e-5);
});

Deno.test("signSgdRows() updates only the used rows", () => {
  const t = tf.variable(tf.tensor2d([[1, 1], [2, 2]]));
  signSgdRows(t, tf.tensor2d([[0.3, -0.2], [5, 5]]), tf.tensor1d([1, 0]), 0.1, 0.5);
  const got = Array.from(t.dataSync());
  [0.95 - 0.1, 0.95 + 0.1, 2, 2].forEach((x, i) => assertAlmostEquals(got[i]!, x, 1e-6));
});

Deno.test("learningRate() warms up linearly, then holds or decays to the floor", () => {
  const o = { lr: 1, warmup: 10, total: 110, minRatio: 1 };
  assertEquals(learningRate(5, o), 0.5);
  assertEquals(learningRate(50, o), 1);
  assertAlmostEquals(learningRate(110, { ...o, minRatio: 0.1 }), 0.1, 1e-9);
  assertAlmostEquals(learningRate(60, { ...o, minRatio: 0 }), 0.5, 1e-9);
});

Deno.test("Ema.update() moves the shadow by (1 - rate) towards the weights", () => {
  const w = tf.tensor1d([0]);
  const ema = new Ema({ w }, 0.9);
  ema.update({ w: tf.tensor1d([1]) });
  ema.update({ w: tf.tensor1d([1]) });
  assertAlmostEquals(ema.shadow.w!.dataSync()[0]!, 0.19, 1e-6);
  ema.dispose();
});
