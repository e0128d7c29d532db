import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs"; // registers the gradients (see lib/model/layers.ts)
import * as wasm from "@tensorflow/tfjs-backend-wasm";
import os from "node:os";
import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { initWasmWithThreads } from "./wasm_threads.ts";

function randomMatrix(p: Prng, n: number): number[] {
  return Array.from({ length: n * n }, () => p.normal());
}

function maxRelErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let err = 0, scale = 1e-6;
  for (let i = 0; i < y.length; i++) {
    err = Math.max(err, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return err / scale;
}

/** A matMul, and the gradient of a softmax over matMuls, on the active backend. */
async function compute(a: number[], b: number[], n: number) {
  const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
  const C = tf.matMul(A, B);
  const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(tf.matMul(x, B)), C)) as tf.Scalar;
  const G = tf.grad(f)(A);
  const out = { product: await C.data(), grad: await G.data() };
  tf.dispose([A, B, C, G]);
  return out;
}

Deno.test({
  name: "initWasmWithThreads(2) runs XNNPACK on 2 threads and agrees with the cpu backend",
  // No sanitizer opt-outs needed: the pooled workers (alive for the rest of the process,
  // unref'd) are not reported as leaked ops or resources in Deno 2.9.6.
  async fn() {
    const worker = (globalThis as { Worker?: unknown }).Worker;
    const createObjectURL = URL.createObjectURL, cpus = os.cpus;
    assertEquals(await initWasmWithThreads(2), { threads: 2 });
    assertEquals(tf.getBackend(), "wasm");
    assertEquals(wasm.getThreadsCount(), 2);
    assert((globalThis as { Worker?: unknown }).Worker === worker, "Worker global not restored");
    assert(URL.createObjectURL === createObjectURL, "URL.createObjectURL not restored");
    assert(os.cpus === cpus, "os.cpus not restored");
    // Calling it again with the same count is a no-op; another count cannot be had any more.
    assertEquals(await initWasmWithThreads(2), { threads: 2 });
    let threw = false;
    await initWasmWithThreads(1).catch(() => threw = true);
    assert(threw, "initWasmWithThreads(1) after (2) should throw");

    const n = 256, p = new Prng(3);
    const a = randomMatrix(p, n), b = randomMatrix(p, n);
    const onWasm = await compute(a, b, n);
    await tf.setBackend("cpu");
    const onCpu = await compute(a, b, n);
    await tf.setBackend("wasm");
    const rel = maxRelErr(onWasm.product, onCpu.product);
    assert(rel < 1e-4, `matMul differs from cpu: ${rel}`);
    const relGrad = maxRelErr(onWasm.grad, onCpu.grad);
    assert(relGrad < 1e-3, `gradient differs from cpu: ${relGrad}`);
  },
});

Deno.test("a process that used initWasmWithThreads exits by itself and prints nothing", async () => {
  const code = `
    import * as tf from "@tensorflow/tfjs-core";
    import { initWasmWithThreads } from ${JSON.stringify(import.meta.resolve("./wasm_threads.ts"))};
    await initWasmWithThreads(2);
    await tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).data();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: new URL("../../", import.meta.url), // for deno.json's import map
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000), // a worker keeping the process alive would hang here
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assertEquals({ code: out.code, output: text }, { code: 0, output: "" });
});
