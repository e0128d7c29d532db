import * as tf from "@tensorflow/tfjs-core";
import { assertEquals } from "../util/assert.ts";
import { useBackend } from "./backend.ts";

await useBackend("wasm");

interface WasmBackend {
  dataIdMap: { get(id: unknown): { memoryOffset: number }; has(id: unknown): boolean };
}
const heap = () => (tf.backend() as unknown as WasmBackend).dataIdMap;
const offset = (t: tf.Tensor) => heap().get(t.dataId).memoryOffset;

Deno.test("a wasm clone shares its input's memory and outlives it", async () => {
  const x = tf.tensor([1, 2, 3, 4], [2, 2]);
  const y = tf.clone(x);
  assertEquals(offset(y), offset(x));
  const before = tf.memory().numBytes;
  x.dispose();
  // The shared bytes stay while the clone lives ...
  assertEquals(Array.from(await y.data()), [1, 2, 3, 4]);
  const z = tf.add(y, 1);
  assertEquals(Array.from(await z.data()), [2, 3, 4, 5]);
  y.dispose();
  z.dispose();
  // ... and are freed with it.
  assertEquals(heap().has(y.dataId), false);
  assertEquals(tf.memory().numBytes < before, true);
});

Deno.test("a variable assigned after being cloned leaves the clone's value alone", async () => {
  const v = tf.variable(tf.tensor([1, 2]));
  const kept = tf.clone(v);
  v.assign(tf.tensor([7, 8]));
  assertEquals(Array.from(await kept.data()), [1, 2]);
  assertEquals(Array.from(await v.data()), [7, 8]);
  tf.dispose([v, kept]);
});

Deno.test("gradients through saved (cloned) inputs are unchanged", async () => {
  const x = tf.tensor([0.5, -1, 2]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(t), t)))(x);
  const s = [0.5, -1, 2].map((v) => 1 / (1 + Math.exp(-v)));
  const want = [0.5, -1, 2].map((v, i) => s[i]! + v * s[i]! * (1 - s[i]!));
  const got = Array.from(await g.data());
  got.forEach((v, i) => assertEquals(Math.abs(v - want[i]!) < 1e-6, true, `${got} vs ${want}`));
  tf.dispose([x, g]);
});

Deno.test("transposes with cache-aliasing strides (blocked in JS) and others (stock) give exact results", async () => {
  const cases: [number[], number[]][] = [
    [[4096, 13], [1, 0]], // blocked: rows a multiple of 1024, cols not a multiple of the block
    [[2, 1024, 9], [0, 2, 1]], // blocked, batched
    [[2592, 12], [1, 0]], // stock
    [[3, 1024, 4], [0, 2, 1]], // stock: narrower than a block
    [[2, 1024, 9], [1, 0, 2]], // stock: not a swap of the last two axes
  ];
  for (const [shape, perm] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
    const x = tf.tensor(values, shape);
    const y = tf.transpose(x, perm);
    const got = await y.data();
    // The expected element for each output index, by the definition of transpose.
    const outShape = perm.map((p) => shape[p]!);
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    let bad = 0;
    for (let o = 0; o < n; o++) {
      let rest = o, src = 0;
      for (let k = outShape.length - 1; k >= 0; k--) {
        src += (rest % outShape[k]!) * strides[perm[k]!]!;
        rest = Math.floor(rest / outShape[k]!);
      }
      if (got[o] !== values[src]) bad++;
    }
    assertEquals([y.shape, bad], [outShape, 0], `shape ${shape} perm ${perm}`);
    tf.dispose([x, y]);
  }
});

Deno.test("Tile copies rows exactly, for every dtype, and serves broadcastTo and a broadcast where", async () => {
  const cases: [number[], number[], "float32" | "int32" | "bool"][] = [
    [[1, 1, 5], [3, 4, 1], "float32"], // y_init spread over [B, L, D]
    [[3, 1, 1], [1, 4, 5], "bool"], // a per-row condition widened
    [[2, 3], [2, 3], "int32"], // every axis repeated
    [[4], [3], "float32"],
  ];
  for (const [shape, reps, dtype] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from(
      { length: n },
      (_, i) => dtype === "bool" ? i % 2 : dtype === "int32" ? 3 * i - 2 : i * 1.5 - 2,
    );
    const x = tf.tensor(values, shape, dtype);
    const y = tf.tile(x, reps);
    const got = await y.data();
    const outShape = shape.map((d, i) => d * reps[i]!);
    let bad = 0;
    for (let o = 0; o < got.length; o++) {
      // Output index -> source index: each coordinate modulo the input's size on that axis.
      let rest = o, src = 0, stride = 1;
      for (let k = shape.length - 1; k >= 0; k--) {
        src += ((rest % outShape[k]!) % shape[k]!) * stride;
        rest = Math.floor(rest / outShape[k]!);
        stride *= shape[k]!;
      }
      if (got[o] !== values[src]) bad++;
    }
    assertEquals([y.shape, bad], [outShape, 0], `shape ${shape} reps ${reps} ${dtype}`);
    tf.dispose([x, y]);
  }
  const cond = tf.tensor([true, false], [2, 1, 1], "bool");
  const chosen = tf.where(cond, tf.ones([2, 2, 3]), tf.zeros([2, 2, 3]));
  assertEquals(Array.from(await chosen.data()), [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  tf.dispose([cond, chosen]);
});
