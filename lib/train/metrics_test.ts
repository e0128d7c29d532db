import * as tf from "@tensorflow/tfjs-core";
import { assertEquals } from "../util/assert.ts";
import { useBackend } from "../backend/mod.ts";
import {
  packStepStats,
  readStepStats,
  STEP_STATS,
  type StepStats,
  TRAIN_METRICS,
  trainMetrics,
} from "./metrics.ts";

await useBackend("wasm");

Deno.test("trainMetrics() reports accuracies and steps over the halted rows only", () => {
  // Window mean of [loss, lmLoss, haltLoss, Σcell·h, Σhaltright·h, Σexact·h, Σsteps·h, Σh] / B.
  const m = trainMetrics([1, 0.9, 0.2, 0.2, 0.25, 0.1, 2, 0.25]);
  assertEquals([m.tokenAcc, m.haltAcc, m.exactAcc, m.stepsAtHalt, m.haltedFrac], [
    0.8,
    1,
    0.4,
    8,
    0.25,
  ]);
  assertEquals(trainMetrics([1, 1, 0, 0, 0, 0, 0, 0]).tokenAcc, 0);
});

Deno.test("a step's named statistics survive the packing into one vector and the read back", async () => {
  const values = Object.fromEntries(STEP_STATS.map((k, i) => [k, i + 1])) as StepStats<number>;
  const packed = packStepStats(
    Object.fromEntries(STEP_STATS.map((k) => [k, tf.scalar(values[k])])) as StepStats<tf.Tensor>,
  );
  assertEquals(readStepStats(await packed.data()), values);
  tf.dispose(packed);
});

Deno.test("TRAIN_METRICS names trainMetrics()'s keys in the order metrics.jsonl writes them", () => {
  assertEquals(Object.keys(trainMetrics(new Array(STEP_STATS.length).fill(1))), [...TRAIN_METRICS]);
});
