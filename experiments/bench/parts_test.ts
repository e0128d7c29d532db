import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@kit/backend/mod.ts";
import { generateSudokuSet, Sampler } from "@kit/data/mod.ts";
import { resolveConfig } from "@kit/run/mod.ts";
import { Trainer } from "@kit/train/mod.ts";
import { assert, assertEquals } from "@kit/util/assert.ts";
import { Prng } from "@kit/util/mod.ts";
import { type PartsRunner, timeParts, trainerParts } from "./parts.ts";

await useBackend("wasm");

/** Busy-waits `ms` milliseconds (the parts are synchronous dispatches followed by a sync). */
function busy(ms: number): tf.Tensor[] {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
  return [];
}

Deno.test("timeParts() runs every part reps+1 times and subtracts the forward from forward+backward", async () => {
  const calls: string[] = [];
  const fake: PartsRunner = {
    noGrad: () => (calls.push("noGrad"), busy(5)),
    forward: () => (calls.push("forward"), busy(20)),
    forwardBackward: () => (calls.push("forwardBackward"), busy(60)),
    optimizer: () => (calls.push("optimizer"), busy(1)),
    ema: () => (calls.push("ema"), busy(1)),
    dispose: () => {},
  };
  const p = await timeParts(fake, 2);
  assertEquals(calls.length, 5 * 3);
  assertEquals(calls.slice(0, 5), ["noGrad", "forward", "forwardBackward", "optimizer", "ema"]);
  assert(p.gradForward >= 0.02 && p.noGrad >= 0.005, JSON.stringify(p));
  // 60 - 20 ms, with room for a loaded machine stretching either call.
  assert(p.backward > 0.02 && p.backward < 0.5, JSON.stringify(p));
});

Deno.test("trainerParts() on a tiny model: parts run, the optimiser moves the weights, nothing leaks", async () => {
  const cfg = resolveConfig("smoke", { batchSize: 4, ema: false });
  const puzzles = generateSudokuSet(8, { size: 4, blanks: 6, prng: new Prng(0) });
  const sampler = new Sampler(puzzles, { augment: false, seed: 0 });
  const tr = new Trainer(cfg, sampler);
  tf.dispose(tr.trainStep()); // allocates the optimiser's moments
  const before = tf.memory().numTensors;
  const name = tr.dense[0]!;
  const w0 = await tr.weights[name]!.data();
  const run = trainerParts(tr, sampler.next(4));
  const p = await timeParts(run, 1);
  run.dispose();
  for (const [k, v] of Object.entries(p)) assert(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
  assert(p.noGrad > 0 && p.gradForward > 0 && p.optimizer > 0, JSON.stringify(p));
  const w1 = await tr.weights[name]!.data();
  assert(w1.some((x, i) => x !== w0[i]), "the optimizer part did not change the weights");
  assertEquals(tf.memory().numTensors, before);
  tr.dispose();
});
