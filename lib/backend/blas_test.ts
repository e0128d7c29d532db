import * as tf from "@tensorflow/tfjs-core";
import { loadTaskData } from "../data/datasets.ts";
import { encodePuzzles } from "../data/encoding.ts";
import { Sampler } from "../data/sampling.ts";
import { resolveConfig } from "../run/config.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { useBackend } from "./backend.ts";
import { blasInfo, disableBlas, enableBlas } from "./blas.ts";
import { Trainer } from "../train/trainer.ts";

await useBackend("wasm", { blas: "off" });
const CORES = navigator.hardwareConcurrency;

/** Whether OpenBLAS can be opened here; the tests that need it are ignored where it cannot. */
const available = (() => {
  try {
    enableBlas(CORES);
    disableBlas();
    return true;
  } catch {
    return false;
  }
})();
const needsBlas = { ignore: !available, sanitizeResources: false };

function random(shape: number[], seed: number): tf.Tensor {
  const p = new Prng(seed);
  return tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => p.normal()),
    shape,
  );
}

/** The product on XNNPACK (stock kernel) and on OpenBLAS, as flat arrays with the shapes. */
async function bothWays(
  a: tf.Tensor,
  b: tf.Tensor,
  ta: boolean,
  tb: boolean,
): Promise<{ stock: number[]; blas: number[]; shapes: number[][] }> {
  disableBlas();
  const s = tf.matMul(a, b, ta, tb);
  enableBlas(CORES);
  const o = tf.matMul(a, b, ta, tb);
  disableBlas();
  const out = {
    stock: Array.from(await s.data()),
    blas: Array.from(await o.data()),
    shapes: [s.shape, o.shape],
  };
  tf.dispose([s, o]);
  return out;
}

const maxDiff = (x: number[], y: number[]) => Math.max(0, ...x.map((v, i) => Math.abs(v - y[i]!)));

Deno.test({
  name: "the OpenBLAS matMul equals XNNPACK's for every transpose flag and batch layout",
  ...needsBlas,
  fn: async () => {
    const [m, k, n] = [5, 7, 3];
    // [batch dims of a, batch dims of b]: equal, one side broadcast, rank 2 against rank 3.
    const layouts: [number[], number[]][] = [[[], []], [[2, 3], [2, 3]], [[1], [4]], [[4], []], [
      [],
      [4],
    ]];
    let checked = 0;
    for (const [ba, bb] of layouts) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = random([...ba, ...(ta ? [k, m] : [m, k])], 1 + checked);
          const b = random([...bb, ...(tb ? [n, k] : [k, n])], 100 + checked);
          const r = await bothWays(a, b, ta, tb);
          assertEquals(
            r.shapes[1],
            r.shapes[0],
            `shape, a ${a.shape} b ${b.shape} ta ${ta} tb ${tb}`,
          );
          const d = maxDiff(r.blas, r.stock);
          assert(d < 1e-5, `a ${a.shape} b ${b.shape} ta ${ta} tb ${tb}: max diff ${d}`);
          tf.dispose([a, b]);
          checked++;
        }
      }
    }
    assertEquals(checked, 20);
  },
});

Deno.test({
  name: "the OpenBLAS matMul handles empty products and reports mismatched shapes",
  ...needsBlas,
  fn: async () => {
    enableBlas(CORES);
    const empty = tf.matMul(tf.zeros([0, 4]), tf.ones([4, 3]));
    assertEquals(empty.shape, [0, 3]);
    // k = 0: a product of nothing is zeros (XNNPACK's kernel leaves garbage there).
    const noInner = tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3]));
    assertEquals(Array.from(await noInner.data()), [0, 0, 0, 0, 0, 0]);
    assertThrows(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), "inner shapes");
    tf.dispose([empty, noInner]);
    disableBlas();
  },
});

Deno.test({
  name: "matMul reads the heap where it is after it grows (a product larger than the heap was)",
  ...needsBlas,
  fn: async () => {
    enableBlas(CORES);
    // 3 x 64 MB of operands and product: more than the heap held before, so allocating grows it.
    const a = tf.ones([4096, 4096]), b = tf.ones([4096, 4096]);
    const c = tf.matMul(a, b);
    const corner = await tf.slice(c, [4095, 4095], [1, 1]).data();
    assertEquals(corner[0], 4096);
    tf.dispose([a, b, c]);
    disableBlas();
  },
});

Deno.test({
  name: "training on OpenBLAS gives the losses of training on XNNPACK (smoke preset, 3 steps)",
  ...needsBlas,
  fn: async () => {
    const cfg = resolveConfig("smoke", { batchSize: 8, trainPuzzles: 40, testPuzzles: 8 });
    const data = await loadTaskData(cfg.data, cfg.run.seed);
    const losses = async (blas: "on" | "off") => {
      const info = await useBackend("wasm", { blas });
      assertEquals(Boolean(info.blas), blas === "on");
      const tr = new Trainer(cfg, new Sampler(data.train, { augment: true, seed: 0 }));
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = tr.trainStep();
        out.push((await r.data())[0]!);
        r.dispose();
      }
      tr.dispose();
      return out;
    };
    const off = await losses("off"), on = await losses("on");
    for (let i = 0; i < 3; i++) {
      assert(Math.abs(on[i]! - off[i]!) <= 1e-4 * Math.abs(off[i]!), `step ${i}: ${on} vs ${off}`);
    }
    assert(encodePuzzles(data.test).count > 0);
    await useBackend("wasm", { blas: "off" });
  },
});

Deno.test("useBackend() names a bad blas mode, and blas 'off' leaves the products on XNNPACK", async () => {
  // deno-lint-ignore no-explicit-any
  await useBackend("wasm", { blas: "sometimes" as any }).then(
    () => assert(false, "accepted"),
    (e: Error) => assert(e.message.includes('unknown blas mode "sometimes"'), e.message),
  );
  const info = await useBackend("wasm", { blas: "off" });
  assertEquals(info.blas, undefined);
  assertEquals(blasInfo(), undefined);
});
