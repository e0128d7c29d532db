import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { encodeArcGrid } from "../data/arc.ts";
import { arcGroups, arcTestExamples } from "../data/arc_dataset.ts";
import { generateArcTasks } from "../data/arc_tasks.ts";
import { augmentGrid } from "../data/augment.ts";
import { defaultModelConfig, type ModelConfig } from "../model/config.ts";
import { initWeights } from "../model/init.ts";
import { TRM } from "../model/trm.ts";
import { useBackend } from "../backend/mod.ts";
import { encodePuzzles } from "../data/encoding.ts";
import { arcSources, evaluateArc, evaluateArcVersions, scoreArcPredictions } from "./arc_eval.ts";
import { evaluate } from "./evaluate.ts";

await useBackend("wasm");

const CANVAS = 6;
const tasks = generateArcTasks(3, {
  prng: new Prng(0),
  maxSize: CANVAS,
  prefix: "e",
  demos: 2,
  tests: 2,
});
const { test, numPuzzleIds } = arcGroups([], tasks, {
  augmentations: 3,
  translate: true,
  canvas: CANVAS,
  prng: new Prng(1),
});

Deno.test("arcSources() follows arcTestExamples() order", () => {
  assertEquals(arcSources(test), arcTestExamples(test).sources);
});

Deno.test("scoreArcPredictions() scores 1 when every version predicts its own label (inversion is exact)", () => {
  const ex = arcTestExamples(test);
  const r = scoreArcPredictions(test, ex.sources, ex.labels, ex.labels.map(() => 0.5));
  assertEquals(r.passAt, { 1: 1, 2: 1 });
  assertEquals(r.versionAcc, 1);
  assertEquals([r.tasks, r.testInputs, r.examples], [3, 6, 24]);
});

Deno.test("scoreArcPredictions() follows the majority: right in 3 of 4 versions passes, in 1 of 4 with 3 agreeing wrong fails pass@1", () => {
  const ex = arcTestExamples(test);
  // A wrong answer that every version agrees on after inversion: the right output recoloured.
  const wrong = (i: number) => {
    const s = ex.sources[i]!, g = test[s.group]!, a = g.versions[s.version]!;
    const out = g.pairs[s.pair]!.output!;
    const bad = { ...out, cells: out.cells.map((v) => (v + 1) % 10) };
    return encodeArcGrid(augmentGrid(bad, a), { canvas: CANVAS });
  };
  const majority = ex.labels.map((l, i) => (ex.sources[i]!.version === 0 ? wrong(i) : l));
  const r = scoreArcPredictions(test, ex.sources, majority, majority.map(() => 0.5));
  assertEquals(r.passAt, { 1: 1, 2: 1 });
  assertEquals(r.versionAcc, 0.75);
  // Right only in version 0, however confident: pass@1 fails, pass@2 holds.
  const minority = ex.labels.map((l, i) => (ex.sources[i]!.version === 0 ? l : wrong(i)));
  const halt = ex.sources.map((s) => (s.version === 0 ? 1 : 0));
  const m = scoreArcPredictions(test, ex.sources, minority, halt);
  assertEquals(m.passAt, { 1: 0, 2: 1 });
});

/** A tiny TRM over the test canvases and puzzle ids. */
function tinyModel(o: Partial<ModelConfig>): ModelConfig {
  return {
    ...defaultModelConfig,
    vocabSize: 12,
    seqLen: CANVAS * CANVAS,
    hiddenSize: 16,
    heads: 2,
    numPuzzleIds,
    latentSteps: 1,
    supervisionSteps: 2,
    ...o,
  };
}

Deno.test("evaluateArc() runs a TRM over every version with its puzzle id and frees its tensors", async () => {
  const cfg = tinyModel({
    mixer: "attention",
    posEncoding: "rope",
    puzzlePrefix: 2,
    recursions: 2,
  });
  const model = new TRM(cfg);
  const w = initWeights(cfg, new Prng(0));
  try {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const r = await evaluateArc(model, w, test, {
      batchSize: 10,
      onProgress: (d) => progress.push(d),
    });
    assertEquals(tf.memory().numTensors, before);
    assertEquals(progress, [10, 20, 24]);
    assertEquals([r.tasks, r.testInputs, r.examples], [3, 6, 24]);
    assert(r.passAt[1]! >= 0 && r.passAt[1]! <= r.passAt[2]! && r.passAt[2]! <= 1);
    await assertRejects(
      () => evaluateArc(new TRM({ ...cfg, numPuzzleIds: 3 }), w, test, { batchSize: 10 }),
      `ids up to ${numPuzzleIds - 1}, but the model has 3 puzzle ids`,
    );
  } finally {
    tf.dispose(Object.values(w));
    model.dispose();
  }
});

Deno.test("evaluateArcVersions() gives evaluate()'s metrics and evaluateArc()'s vote in one pass", async () => {
  // The single pass relies on encodePuzzles listing versions in arcSources' order.
  const encoded = encodePuzzles(test);
  const sources = arcSources(test);
  assertEquals(encoded.count, sources.length);
  sources.forEach((src, i) => {
    const g = test[src.group]!;
    assertEquals(encoded.puzzleIds![i], g.firstId + src.version);
    const want = encodeArcGrid(augmentGrid(g.pairs[src.pair]!.input, g.versions[src.version]!), {
      canvas: CANVAS,
    });
    assertEquals(Array.from(encoded.inputs.subarray(i * want.length, (i + 1) * want.length)), [
      ...want,
    ]);
  });
  const cfg = tinyModel({ puzzlePrefix: 1, recursions: 1 });
  const model = new TRM(cfg);
  const w = initWeights(cfg, new Prng(1));
  try {
    const before = tf.memory().numTensors;
    const one = await evaluateArcVersions(model, w, test, { batchSize: 7 });
    assertEquals(tf.memory().numTensors, before);
    const metrics = await evaluate(model, w, encoded, { batchSize: 7 });
    const arc = await evaluateArc(model, w, test, { batchSize: 7 });
    assertEquals(one.arc, arc);
    assertEquals(one.metrics, { ...metrics, passAt1: arc.passAt[1], passAt2: arc.passAt[2] });
  } finally {
    tf.dispose(Object.values(w));
    model.dispose();
  }
});
