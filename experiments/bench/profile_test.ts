import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@kit/backend/mod.ts";
import { assert, assertEquals } from "@kit/util/assert.ts";
import { formatProfile, OUTSIDE, profileSteps, summarize, timeKernels } from "./profile.ts";
import { shapeConfig } from "./shapes.ts";
import { shapeStep } from "./step.ts";

const info = await useBackend("wasm");

Deno.test("profileSteps() on a tiny study shape: sorted rows that add up to the step, products named", async () => {
  const run = shapeStep(shapeConfig({ mixer: "mlp", hidden: 16, batch: 2, base: "study" }, {
    latentSteps: "1",
  }));
  try {
    await run.step();
    const before = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
    const p = await profileSteps(run.step, 1);
    // The timers are off again: the normal path runs the original kernels.
    assertEquals(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, before);
    const ms = p.rows.map((r) => r.ms_per_step);
    assertEquals(ms, [...ms].sort((a, b) => b - a), "rows are slowest first");
    const sum = ms.reduce((s, x) => s + x, 0);
    assert(Math.abs(sum - p.step_ms) < 0.01 * p.step_ms + 0.01, `${sum} vs ${p.step_ms}`);
    assert(p.kernels_ms > 0 && p.kernels_ms <= p.step_ms * 1.001, JSON.stringify(p));
    const names = p.rows.map((r) => r.kernel);
    const product = info.blas ? "BatchMatMul (OpenBLAS)" : "BatchMatMul";
    assert(names.includes(product), names.join(", "));
    assert(names.includes(OUTSIDE), names.join(", "));
    const mm = p.rows.find((r) => r.kernel === product)!;
    assert(mm.calls_per_step > 0 && Number.isInteger(mm.calls_per_step), JSON.stringify(mm));
    const text = formatProfile(p, 5).split("\n");
    assert(text[0]!.includes("calls/step") && text.at(-1)!.includes("step"), text.join("\n"));
    assertEquals(text.length, 2 + 5 + 1 + 1); // head, rule, top 5, the rest, the step
  } finally {
    run.dispose();
  }
});

Deno.test("timeKernels() splits by shape on request, and puts the kernels back", () => {
  const before = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
  const timer = timeKernels({ byShape: true });
  try {
    const a = tf.ones([3, 4]), b = tf.ones([4, 2]);
    tf.dispose(tf.matMul(a, b, false, false));
    tf.dispose(tf.matMul(b, a, true, true));
    tf.dispose([a, b]);
  } finally {
    timer.stop();
  }
  assertEquals(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, before);
  const keys = [...timer.tally.keys()].filter((k) => k.startsWith("BatchMatMul"));
  assertEquals(keys.length, 2, keys.join("; "));
  assert(keys.some((k) => k.endsWith("[4,2]x[3,4] tA tB")), keys.join("; "));
});

Deno.test("timeKernels() charges a kernel run from inside another to the inner one only", () => {
  // A clock only these kernels move: the outer one spends 5 ms itself, the inner one 10.
  let clock = 0;
  const identity = tf.getKernel("Identity", "wasm")!;
  tf.registerKernel({
    kernelName: "BenchTestInner",
    backendName: "wasm",
    kernelFunc: (args) => (clock += 10, identity.kernelFunc(args)),
  });
  tf.registerKernel({
    kernelName: "BenchTestOuter",
    backendName: "wasm",
    kernelFunc: (args) => {
      clock += 2;
      const out = tf.engine().runKernel("BenchTestInner", args.inputs as tf.NamedTensorMap, {});
      clock += 3;
      return out as tf.TensorInfo;
    },
  });
  const timer = timeKernels({ now: () => clock });
  try {
    const x = tf.ones([2]);
    tf.dispose([tf.engine().runKernel("BenchTestOuter", { x }, {}) as tf.Tensor, x]);
  } finally {
    timer.stop();
    tf.unregisterKernel("BenchTestInner", "wasm");
    tf.unregisterKernel("BenchTestOuter", "wasm");
  }
  assertEquals(timer.tally.get("BenchTestInner"), { calls: 1, ms: 10 });
  assertEquals(timer.tally.get("BenchTestOuter"), { calls: 1, ms: 5 });
});

Deno.test("summarize() averages over steps and adds the outside row", () => {
  const tally = new Map([["A", { calls: 4, ms: 6 }], ["B", { calls: 2, ms: 10 }]]);
  const p = summarize(tally, 20, 2);
  assertEquals(p.step_ms, 10);
  assertEquals(p.kernels_ms, 8);
  assertEquals(p.rows.map((r) => [r.kernel, r.calls_per_step, r.ms_per_step, r.pct]), [
    ["B", 1, 5, 50],
    ["A", 2, 3, 30],
    [OUTSIDE, 0, 2, 20],
  ]);
});
