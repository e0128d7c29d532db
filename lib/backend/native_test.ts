import * as tf from "@tensorflow/tfjs-core";
import { relDiff } from "./compare.ts";
import { resolveConfig } from "../run/config.ts";
import { loadTaskData } from "../data/datasets.ts";
import { Sampler } from "../data/sampling.ts";
import { Trainer } from "../train/trainer.ts";
import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { useBackend } from "./backend.ts";
import { rmsNormClosedForm, siluGateClosedForm } from "./fast_layers.ts";
import { kernelChoice } from "./kernels.ts";
import {
  addRmsNormNative,
  buildNative,
  enableNative,
  NATIVE_KERNELS,
  nativeInfo,
  rmsNormNative,
  ropeNative,
  siluGateNative,
  softmaxNative,
  useNativeCopies,
} from "./native.ts";

await useBackend("wasm", { native: "off" });

/** Whether a C compiler builds the kernels here; the tests that need them are ignored where not. */
const available = await enableNative().then(() => true, () => false);
const needsNative = { ignore: !available, sanitizeResources: false };

/** Value and both gradients of sum(sin(f(gate, up))). */
function valueAndGrads(
  f: (g: tf.Tensor, u: tf.Tensor) => tf.Tensor,
  gate: tf.Tensor,
  up: tf.Tensor,
) {
  const r = tf.valueAndGrads((g: tf.Tensor, u: tf.Tensor) => tf.sum(tf.sin(f(g, u))) as tf.Scalar)([
    gate,
    up,
  ]);
  return [f(gate, up), ...r.grads];
}

Deno.test(
  "native silu(gate)·up and its gradient equal tfjs's kernels within fp32 rounding",
  needsNative,
  async () => {
    // Gates from -40 to 40 (past where sigmoid saturates in fp32), odd sizes (vector tails).
    const gate = tf.mul(tf.randomNormal([3, 7, 37], 0, 1, "float32", 3), tf.linspace(0.1, 40, 37));
    const up = tf.randomNormal([3, 7, 37], 0, 1, "float32", 4);
    const native = valueAndGrads(siluGateNative, gate, up);
    const tfjs = valueAndGrads(siluGateClosedForm, gate, up);
    for (const [i, what] of ["value", "d gate", "d up"].entries()) {
      const d = await relDiff(native[i]!, tfjs[i]!);
      assert(d < 2e-6, `${what} differs by ${d}`);
    }
    // Not trivially equal: the gradients are not zero.
    assert((await tf.max(tf.abs(native[1]!)).data())[0]! > 1e-2);
  },
);

Deno.test(
  "native silu(gate)·up saturates like the exact function at large |gate|",
  needsNative,
  async () => {
    const gate = tf.tensor1d([-1000, -100, -20, 0, 20, 100, 1000]);
    const up = tf.onesLike(gate);
    const out = await siluGateNative(gate, up).data();
    const exact = [-1000, -100, -20, 0, 20, 100, 1000].map((g) => g / (1 + Math.exp(-g)));
    for (let i = 0; i < exact.length; i++) {
      assert(
        Math.abs(out[i]! - exact[i]!) <= 1e-6 * Math.max(1, Math.abs(exact[i]!)),
        `${i}: ${out[i]} vs ${exact[i]}`,
      );
    }
  },
);

Deno.test(
  "native RMSNorm and its gradient equal tfjs's kernels within fp32 rounding",
  needsNative,
  async () => {
    // Rows of 64 (8-lane sums), 40 and 13 (tails), scales from 1e-3 to 1e3.
    for (const d of [64, 40, 13]) {
      const x = tf.mul(tf.randomNormal([5, 9, d], 0, 1, "float32", d), tf.linspace(1e-3, 1e3, d));
      const grads = (f: (x: tf.Tensor) => tf.Tensor) => {
        const r = tf.valueAndGrad((a: tf.Tensor) => tf.sum(tf.sin(tf.mul(f(a), 2))) as tf.Scalar)(
          x,
        );
        return [f(x), r.grad];
      };
      const native = grads((a) => rmsNormNative(a, 1e-5));
      const tfjs = grads((a) => rmsNormClosedForm(a, 1e-5));
      for (const [i, what] of ["value", "gradient"].entries()) {
        const diff = await relDiff(native[i]!, tfjs[i]!);
        assert(diff < 2e-6, `d=${d}: ${what} differs by ${diff}`);
      }
      assert((await tf.max(tf.abs(native[1]!)).data())[0]! > 1e-4);
    }
  },
);

Deno.test(
  "native RMSNorm of a sum and its gradients equal tfjs's norm of tf.add within fp32 rounding",
  needsNative,
  async () => {
    for (const d of [64, 13]) {
      const a = tf.mul(tf.randomNormal([5, 9, d], 0, 1, "float32", d), tf.linspace(1e-2, 1e2, d));
      const b = tf.randomNormal([5, 9, d], 0, 1, "float32", d + 1);
      const native = valueAndGrads((x, y) => addRmsNormNative(x, y, 1e-5), a, b);
      const tfjs = valueAndGrads((x, y) => rmsNormClosedForm(tf.add(x, y), 1e-5), a, b);
      for (const [i, what] of ["value", "d a", "d b"].entries()) {
        const diff = await relDiff(native[i]!, tfjs[i]!);
        assert(diff < 2e-6, `d=${d}: ${what} differs by ${diff}`);
      }
      assert((await tf.max(tf.abs(native[2]!)).data())[0]! > 1e-4);
    }
  },
);

Deno.test(
  "native RoPE and its gradient equal x·cos + rotate_half(x)·sin in tfjs's kernels",
  needsNative,
  async () => {
    // Head sizes 16 (the studies'), 8 and 6 (halves shorter than a vector); 7 positions.
    for (const hd of [16, 8, 6]) {
      const x = tf.randomNormal([3, 2, 7, hd], 0, 1, "float32", hd);
      const cos = tf.randomNormal([7, hd], 0, 1, "float32", hd + 1);
      const sin = tf.randomNormal([7, hd], 0, 1, "float32", hd + 2);
      const stock = (t: tf.Tensor) => {
        const [x1, x2] = tf.split(t, 2, 3);
        return tf.add(tf.mul(t, cos), tf.mul(tf.concat([tf.neg(x2!), x1!], 3), sin));
      };
      const w = tf.randomNormal(x.shape, 0, 1, "float32", 7);
      const grads = (f: (t: tf.Tensor) => tf.Tensor) => [
        f(x),
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(x),
      ];
      const native = grads((t) => ropeNative(t, cos, sin));
      const tfjs = grads(stock);
      for (const [i, what] of ["value", "gradient"].entries()) {
        const diff = await relDiff(native[i]!, tfjs[i]!);
        assert(diff < 2e-6, `hd=${hd}: ${what} differs by ${diff}`);
      }
    }
  },
);

Deno.test(
  "native split and concat along any axis give wasm's bytes; int32 keeps wasm's kernels",
  needsNative,
  async () => {
    const cases: [number[], number[], number][] = [
      [[128, 342], [171, 171], 1], // a fused gate_up weight
      [[4, 9, 24], [8, 8, 8], 2], // multi-scale z, along the last axis
      [[4, 9, 24], [2, 0, 7], 1], // an empty piece
      [[6, 5], [1, 5], 0],
      [[2, 3, 4, 5], [3, 2], 3],
    ];
    const both = async (f: () => tf.Tensor | tf.Tensor[]) => {
      useNativeCopies(true);
      const native = [f()].flat();
      useNativeCopies(false);
      const stock = [f()].flat();
      return [
        await Promise.all(native.map((t) => t.data())),
        await Promise.all(stock.map((t) => t.data())),
      ];
    };
    for (const [shape, sizes, axis] of cases) {
      const x = tf.randomNormal(shape, 0, 1, "float32", shape.length);
      const [splitN, splitS] = await both(() => tf.split(x, sizes, axis));
      assertEquals(splitN, splitS, `split [${shape}] into ${sizes} at ${axis}`);
      const parts = tf.split(x, sizes, axis);
      const [catN, catS] = await both(() => tf.concat(parts, axis));
      assertEquals(catN, catS, `concat at ${axis} of [${shape}]`);
      assertEquals(catN![0], await x.data());
    }
    const ints = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32");
    const [intN, intS] = await both(() => tf.concat(tf.split(ints, [1, 2], 1), 1));
    assertEquals(intN, intS);
    useNativeCopies(false);
  },
);

Deno.test(
  "native softmax(scale·x) and its gradient equal tfjs's kernels within fp32 rounding",
  needsNative,
  async () => {
    // Rows of 40 (tails after 8-lane blocks), 16 and 3; scores up to ±200 after scaling.
    for (const d of [40, 16, 3]) {
      const x = tf.mul(
        tf.randomNormal([4, 3, 7, d], 0, 1, "float32", d),
        tf.linspace(0.01, 400, d),
      );
      const grads = (f: (x: tf.Tensor) => tf.Tensor) => {
        const w = tf.randomNormal(x.shape, 0, 1, "float32", 99);
        const r = tf.valueAndGrad((a: tf.Tensor) => tf.sum(tf.mul(f(a), w)) as tf.Scalar)(x);
        return [f(x), r.grad];
      };
      const native = grads((a) => softmaxNative(a, 0.5));
      const tfjs = grads((a) => tf.softmax(tf.mul(a, 0.5)));
      // Saturated rows cancel in dy - sum(dy·y): at d=3 both gradients are 2e-5
      // (relative to the largest) from a float64 reference, the same distance.
      for (const [i, what, tol] of [[0, "value", 2e-6], [1, "gradient", 1e-4]] as const) {
        const diff = await relDiff(native[i]!, tfjs[i]!);
        assert(diff < tol, `d=${d}: ${what} differs by ${diff}`);
      }
      assert((await tf.max(tf.abs(native[1]!)).data())[0]! > 1e-4);
    }
  },
);

Deno.test(
  "native transpose of the last two axes gives wasm's bytes; other transposes are untouched",
  needsNative,
  async () => {
    const cases: [number[], number[]][] = [
      [[37, 19], [1, 0]],
      [[3, 40, 64], [0, 2, 1]],
      [[2, 3, 17, 33], [0, 1, 3, 2]],
      [[4, 5, 6], [1, 0, 2]], // not a swap of the last two: the previous kernel
      [[0, 5], [1, 0]],
    ];
    for (const [shape, perm] of cases) {
      const x = tf.randomNormal(shape, 0, 1, "float32", shape.length);
      useNativeCopies(true);
      const native = await tf.transpose(x, perm).data();
      useNativeCopies(false);
      const stock = await tf.transpose(x, perm).data();
      assertEquals(native, stock, `[${shape}] perm [${perm}]`);
    }
    useNativeCopies(false);
  },
);

Deno.test(
  "useBackend turns the native kernels on and off, and records them",
  needsNative,
  async () => {
    const on = await useBackend("wasm", { native: "on" });
    assert(kernelChoice().native && on.native?.library === nativeInfo()?.library);
    assert(tf.getKernel(NATIVE_KERNELS.siluGate, "wasm") !== undefined);
    const off = await useBackend("wasm", { native: "off" });
    assert(!kernelChoice().native && off.native === undefined);
  },
);

Deno.test(
  "training steps with the native kernels match tfjs's within fp32 rounding, both mixers",
  needsNative,
  async () => {
    for (const mixer of ["mlp", "attention"] as const) await nativeMatchesTfjs(mixer);
  },
);

async function nativeMatchesTfjs(mixer: "mlp" | "attention"): Promise<void> {
  const cfg = resolveConfig("smoke", { mixer, steps: 3 });
  const data = await loadTaskData(cfg.data, 0);
  const losses = async (native: "on" | "off") => {
    await useBackend("wasm", { native });
    const trainer = new Trainer(cfg, new Sampler(data.train, { augment: false, seed: 0 }));
    try {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = trainer.trainStep();
        out.push((await r.data())[0]!);
        r.dispose();
      }
      return out;
    } finally {
      trainer.dispose();
    }
  };
  const [a, b] = [await losses("on"), await losses("off")];
  await useBackend("wasm", { native: "off" });
  for (let i = 0; i < a.length; i++) {
    assert(
      Math.abs(a[i]! - b[i]!) < 1e-4 * Math.abs(b[i]!),
      `${mixer}, step ${i + 1}: ${a[i]} vs ${b[i]}`,
    );
  }
}

Deno.test("buildNative says plainly when there is no compiler", async () => {
  await assertRejects(() => buildNative("/nonexistent/cc"), "no C compiler");
});
