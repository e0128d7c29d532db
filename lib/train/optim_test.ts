import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals } from "../util/assert.ts";
import { relDiff } from "../backend/compare.ts";
import { chooseKernels, kernelChoice, useBackend } from "../backend/mod.ts";
import { Adam, type AdamOptions, learningRate, signSgdRows } from "./optim.ts";
import { Ema } from "./ema.ts";

await useBackend("wasm");
/** The update as tfjs ops, and as one native kernel where a compiler built it (native.ts). */
const natives = kernelChoice().native ? [false, true] : [false];

/** Runs `f` with the native kernels on or off, then restores the choice. */
function withNative<T>(native: boolean, f: () => T): T {
  const before = chooseKernels({ native });
  try {
    return f();
  } finally {
    chooseKernels(before);
  }
}

for (const native of natives) {
  const how = native ? "native" : "tfjs ops";
  Deno.test(`Adam (adamAtan2, ${how}) follows the reference update rule for three steps`, () =>
    withNative(native, adamAtan2FollowsReference));
  Deno.test(`Adam (adamw, ${how}) matches AdamW with decoupled decay`, () =>
    withNative(native, adamwMatches));
}

Deno.test(
  "Adam's native update equals its tfjs ops within fp32 rounding, zero gradients included",
  { ignore: natives.length < 2 },
  async () => {
    for (const kind of ["adamAtan2", "adamw"] as const) {
      const opts: AdamOptions = { kind, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, eps: 1e-8 };
      const init = tf.randomNormal([37, 19], 0, 1, "float32", 1);
      // Row 0 never gets a gradient: m and v stay 0 there (atan2(0, 0) = 0).
      const grads = [2, 3, 4].map((seed) =>
        tf.mul(
          tf.randomNormal([37, 19], 0, 1, "float32", seed),
          tf.linspace(0, 3, 37).reshape([37, 1]),
        )
      );
      const run = (native: boolean) =>
        withNative(native, () => {
          const p = tf.variable(tf.clone(init));
          const opt = new Adam(opts);
          for (const g of grads) opt.apply({ p }, { p: g }, 0.01);
          opt.dispose();
          return p;
        });
      const [a, b] = [run(true), run(false)];
      const moved = await relDiff(b, init);
      assert(moved > 1e-3, `${kind}: the parameters moved by ${moved}`);
      // Relative to the parameters: each value within a few ulp of them.
      const diff = await relDiff(a, b);
      assert(diff < 1e-6, `${kind}: the native parameters differ by ${diff}`);
    }
  },
);

function adamAtan2FollowsReference() {
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
}

function adamwMatches() {
  const p = tf.variable(tf.tensor1d([1]));
  const opt = new Adam({ kind: "adamw", beta1: 0.9, beta2: 0.95, weightDecay: 0.5, eps: 1e-8 });
  opt.apply({ p }, { p: tf.tensor1d([2]) }, 0.1);
  // Step 1: m̂ = g, v̂ = g², step = g/|g| = 1.
  assertAlmostEquals(p.dataSync()[0]!, 1 * (1 - 0.05) - 0.1, 1e-5);
}

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
