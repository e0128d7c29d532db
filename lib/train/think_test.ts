import * as tf from "@tensorflow/tfjs-core";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { type Encoded, encodePuzzles } from "../data/encoding.ts";
import type { SudokuPuzzle } from "../data/sudoku.ts";
import { generateSudokuSet } from "../data/sudoku_generate.ts";
import { createModel } from "../model/create.ts";
import { initWeights, type Weights } from "../model/init.ts";
import { resolveConfig } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import { evaluate } from "./evaluate.ts";
import { evaluationModel, think } from "./think.ts";
import { choose, scoreRule } from "./think_select.ts";
import { depthCurve, haltingCurve } from "./think_summary.ts";
import { traceAnswer } from "./trace.ts";

await useBackend("wasm");

// An untrained smoke model whose halting head says something (weights drawn, bias 0), and rows
// whose labels are its own answers after step 2 (even rows) or random (odd rows): exact
// accuracy then differs from step to step, so the comparisons below are not all zeros.
const cfg = resolveConfig("smoke", {}).model;
const model = createModel(cfg);
const p = new Prng(5);
const w: Weights = {
  ...initWeights(cfg, new Prng(3)),
  "q_head.weight": tf.randomNormal([cfg.hiddenSize, 2], 0, 1, "float32", 7),
  "q_head.bias": tf.zeros([2]),
};
const rows = 12, s = cfg.seqLen;
const inputs = Int32Array.from({ length: rows * s }, () => 1 + p.int(cfg.vocabSize - 1));
const own = (await traceAnswer(model, w, inputs)).predictions[1]!;
const labels = Int32Array.from(own, (t, i) => (Math.floor(i / s) % 2 ? 2 + p.int(4) : t));
const data: Encoded = { count: rows, seqLen: s, inputs, labels };

Deno.test("think() with K=1 and σ=0 equals plain evaluation exactly", async () => {
  const plain = await evaluate(model, w, data, { batchSize: 5 });
  const rec = await think(model, w, data, { batchSize: 5 });
  const steps = depthCurve(rec);
  assertEquals(steps.map((d) => d.exact), plain.exactByStep);
  assert(plain.exactByStep.some((e) => e > 0), "some rows are right at some step");
  assertEquals(steps.at(-1)!.cell, plain.tokenAcc);
  const halt = haltingCurve(rec, [0.5])[0]!;
  assertEquals([halt.steps, halt.exact], [plain.stepsUsed, plain.exactAtHalt]);
  assert(plain.stepsUsed < cfg.supervisionSteps, "the halting head stops some rows early");
  for (const rule of ["qhalt", "first-halt", "vote", "oracle"] as const) {
    assertEquals(
      scoreRule(rec, rule).exact,
      rule === "first-halt" ? plain.exactAtHalt : plain.exactAcc,
    );
  }
});

Deno.test("think() deeper than training: the first N_sup steps equal plain evaluation", async () => {
  const n = cfg.supervisionSteps;
  const plain = await evaluate(model, w, data, { batchSize: 5 });
  const deep = await think(model, w, data, { batchSize: 5, depth: 3 * n });
  assertEquals([deep.depth, deep.trainedDepth], [3 * n, n]);
  const steps = depthCurve(deep);
  assertEquals(steps.slice(0, n).map((d) => d.exact), plain.exactByStep);
  // evaluate() at the same depth agrees step for step, and reads its metrics at the last step.
  const far = await evaluate(model, w, data, { batchSize: 5, depth: 3 * n });
  assertEquals(steps.map((d) => d.exact), far.exactByStep);
  assertEquals(steps.at(-1)!.cell, far.tokenAcc);
  assertEquals(steps.at(-1)!.calls, 3 * n * cfg.recursions * (cfg.latentSteps + 1));
  await assertRejects(
    () => evaluate(model, w, data, { batchSize: 5, depth: 0 }),
    "positive integer",
  );
});

Deno.test("think() runs K noisy trajectories as one batch: trajectory 0 plain, seeded, memory flat", async () => {
  const opts = { batchSize: 8, samples: 4, noise: 0.5, seed: 1 };
  // The same rows without noise: matrix products round differently with the batch's row
  // count, so trajectory 0 is compared with the noiseless run of the same batches.
  const still = await think(model, w, data, { ...opts, noise: 0 });
  const before = tf.memory().numTensors;
  const a = await think(model, w, data, opts);
  assertEquals(tf.memory().numTensors, before);
  assertEquals(model.perturb, undefined, "the hook is unset afterwards");
  const b = await think(model, w, data, opts);
  assertEquals(a.qHalt, b.qHalt, "the same seed gives the same trajectories");
  const c = await think(model, w, data, { ...opts, seed: 2 });
  assert(a.qHalt.some((q, i) => q !== c.qHalt[i]), "another seed, other trajectories");
  const d = a.depth, row = (r: number, k: number) => (r * 4 + k) * d;
  for (let r = 0; r < rows; r++) {
    assertEquals(a.qHalt.slice(row(r, 0), row(r, 1)), still.qHalt.slice(row(r, 0), row(r, 1)));
    // Without noise the K copies of a puzzle compute the same, up to rounding (the rows of a
    // batch may take different kernel paths; an untrained net amplifies it).
    for (let t = 0; t < d; t++) {
      assertAlmostEquals(still.qHalt[row(r, 3) + t]!, still.qHalt[row(r, 0) + t]!, 1e-2);
    }
  }
  const last = (x: Float32Array, r: number, k: number) => x[row(r, k) + d - 1]!;
  assert(
    Array.from({ length: rows }, (_, r) => r).some((r) =>
      last(a.qHalt, r, 1) !== last(still.qHalt, r, 1)
    ),
    "noise moves the other trajectories",
  );
  const yz = await think(model, w, data, { ...opts, noiseOn: "yz" });
  assert(yz.qHalt.some((q, i) => q !== a.qHalt[i]), "noise on y as well changes more");
});

const sudoku = generateSudokuSet(6, { size: 4, blanks: 8, prng: new Prng(11) });

Deno.test("think() checks the rules from the question alone: zeroed solutions change nothing", async () => {
  const sm = createModel(cfg);
  const opts = { batchSize: 16, samples: 3, start: "augment" as const, noise: 0.2 };
  const rec = await think(sm, w, sudoku, opts);
  const blind: SudokuPuzzle[] = sudoku.map((q) => ({ ...q, answer: new Uint8Array(16) }));
  const norec = await think(sm, w, blind, opts);
  assert(rec.ruleOk !== undefined);
  assertEquals(norec.ruleOk, rec.ruleOk);
  assertEquals(norec.answers, rec.answers);
  for (let i = 0; i < sudoku.length; i++) {
    assertEquals(choose(norec, i, "verify"), choose(rec, i, "verify"));
    assertEquals(choose(norec, i, "vote"), choose(rec, i, "vote"));
  }
  assertEquals(norec.exact.reduce((a, b) => a + b, 0), 0, "only the scores read the solution");
});

Deno.test("think() refuses bad options with clear errors", async () => {
  await assertRejects(() => think(model, w, data, { batchSize: 4, samples: 0 }), "samples must");
  await assertRejects(() => think(model, w, data, { batchSize: 4, noise: -1 }), "noise must");
  await assertRejects(() => think(model, w, data, { batchSize: 0 }), "batchSize must");
  await assertRejects(
    () => think(model, w, data, { batchSize: 4, samples: 2, start: "augment" }),
    "augmented starts need Sudoku or maze puzzles",
  );
  const hrmCfg = resolveConfig("smoke", {
    arch: "hrm",
    networks: "separate",
    gradient: "oneStep",
    halting: "qAct",
  }).model;
  const hrm = createModel(hrmCfg);
  await assertRejects(
    () => think(hrm, initWeights(hrmCfg, new Prng(1)), data, { batchSize: 4, noise: 0.1 }),
    "noise needs a TRM",
  );
});

Deno.test("evaluationModel() sets T and n at evaluation, but not multi-scale z's n", () => {
  assertEquals(evaluationModel(model, {}), model);
  const m = evaluationModel(model, { recursions: 5, latentSteps: 1 });
  assertEquals([m.cfg.recursions, m.cfg.latentSteps, m.cfg.hiddenSize], [5, 1, cfg.hiddenSize]);
  assertThrows(
    () => evaluationModel(model, { recursions: 0 }),
    "recursions must be a positive integer",
  );
  const multi = createModel({ ...cfg, latentMode: "multiScale" });
  assertThrows(() => evaluationModel(multi, { latentSteps: 3 }), "n cannot change");
});

// The model kept in the repo (results/models/scarce-base), when present: real accuracy, so the
// equalities hold on answers that are right, and the rule check accepts some of them.
const kept = new URL("../../results/models/scarce-base", import.meta.url).pathname;
const hasKept = await Deno.stat(`${kept}/checkpoint.safetensors`).then(() => true, () => false);

Deno.test({
  name: "think() on the kept 6x6 model: deeper evaluation starts as plain evaluation",
  ignore: !hasKept,
  fn: async () => {
    const { loadModel } = await import("../run/load.ts");
    const m = await loadModel(kept);
    const puzzles = generateSudokuSet(40, { size: 6, blanks: 24, prng: new Prng(12) });
    const plain = await evaluate(m.model, m.weights, encodePuzzles(puzzles), { batchSize: 40 });
    const rec = await think(m.model, m.weights, puzzles, { batchSize: 40, depth: 12, samples: 1 });
    assertEquals(depthCurve(rec).slice(0, 8).map((d) => d.exact), plain.exactByStep);
    assert(plain.exactAcc > 0.5, `the kept model solves most puzzles (${plain.exactAcc})`);
    // Every exact answer obeys the rules; the check accepts them without the solution.
    for (let i = 0; i < rec.puzzles; i++) {
      if (rec.exact[i * rec.depth + rec.depth - 1]) assertEquals(rec.ruleOk![i], 1);
    }
    // Augmented starts: an answer mapped back is the solution exactly when the record says it is
    // right (scored in the augmented frame), and a right answer passes the rule check.
    const aug = await think(m.model, m.weights, puzzles, {
      batchSize: 60,
      samples: 3,
      start: "augment",
    });
    for (let r = 0; r < aug.puzzles * aug.samples; r++) {
      const answer = aug.answers.subarray(r * 36, (r + 1) * 36);
      const solved = answer.every((t, i) => t === puzzles[Math.floor(r / 3)]!.answer[i]! + 1);
      assertEquals(solved, aug.exact[(r + 1) * aug.depth - 1] === 1, `row ${r}`);
      if (solved) assertEquals(aug.ruleOk![r], 1);
    }
    tf.dispose(Object.values(m.weights));
  },
});
