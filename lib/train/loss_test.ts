import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../backend/mod.ts";
import { Sampler } from "../data/sampling.ts";
import { generateSudokuSet } from "../data/sudoku_generate.ts";
import { resolveConfig } from "../run/config.ts";
import { bceWithLogits } from "../model/losses.ts";
import { assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { supervisionLoss } from "./loss.ts";
import { trainMetrics } from "./metrics.ts";
import { Trainer } from "./trainer.ts";

await useBackend("wasm");

// The benchmark scores steps with supervisionLoss(); this pins it to the
// loss the Trainer reports, so the two cannot drift apart.
for (const halting of ["bce", "qAct", "none"] as const) {
  Deno.test(`supervisionLoss() is the loss Trainer.trainStep() reports (halting ${halting})`, async () => {
    const cfg = resolveConfig("smoke", { batchSize: 4, supervisionSteps: 3, halting });
    const puzzles = generateSudokuSet(8, { size: 4, blanks: 6, prng: new Prng(0) });
    const tr = new Trainer(cfg, new Sampler(puzzles, { augment: false, seed: 0 }));
    // The first step: every row loads a puzzle and starts from y_init, z_init.
    const batch = new Sampler(puzzles, { augment: false, seed: 0 }).next(4);
    const s = cfg.model.seqLen;
    const rows = {
      inputs: tf.tensor2d(batch.inputs, [4, s], "int32"),
      labels: tf.tensor2d(batch.labels, [4, s], "int32"),
      puzzleIds: tf.zeros([4], "int32") as tf.Tensor1D,
      steps: tf.zeros([4], "int32") as tf.Tensor1D,
    };
    const start = tr.model.initialState(tr.weights, 4);
    const out = tr.model.supervisionStep(tr.weights, rows, start);
    const l = supervisionLoss(tr.model, tr.weights, out, rows, {
      loss: cfg.train.loss,
      halting: cfg.model.halting,
      haltLossWeight: cfg.train.haltLossWeight,
    });
    const mine = (await l.loss.data())[0]!;
    const m = tr.trainStep();
    assertEquals(trainMetrics(await m.data()).loss, mine);
    tf.dispose([m, ...Object.values(rows), start.y, start.z, out.logits, out.qHalt]);
    tf.dispose([out.qContinue, out.state.y, out.state.z, l.loss, l.lm, l.halt, l.exact]);
    tf.dispose([l.correct, l.valid]);
    tr.dispose();
  });
}

Deno.test("supervisionLoss() targets the halting head at exact correctness, not at zero", async () => {
  const cfg = resolveConfig("smoke", { batchSize: 2 });
  const puzzles = generateSudokuSet(2, { size: 4, blanks: 6, prng: new Prng(0) });
  const tr = new Trainer(cfg, new Sampler(puzzles, { augment: false, seed: 0 }));
  const s = cfg.model.seqLen;
  const batch = new Sampler(puzzles, { augment: false, seed: 0 }).next(2);
  // Labels all PAD: no token is scored, so every row counts as exactly right.
  const rows = {
    inputs: tf.tensor2d(batch.inputs, [2, s], "int32"),
    labels: tf.zeros([2, s], "int32") as tf.Tensor2D,
    puzzleIds: tf.zeros([2], "int32") as tf.Tensor1D,
    steps: tf.zeros([2], "int32") as tf.Tensor1D,
  };
  const out = tr.model.supervisionStep(tr.weights, rows, tr.model.initialState(tr.weights, 2));
  const l = supervisionLoss(tr.model, tr.weights, out, rows, {
    loss: cfg.train.loss,
    halting: "bce",
    haltLossWeight: 0.5,
  });
  assertEquals(Array.from(await l.exact.data()), [1, 1]);
  const toOne = tf.sum(bceWithLogits(out.qHalt, tf.onesLike(out.qHalt)));
  assertEquals((await l.halt.data())[0], (await toOne.data())[0]);
  assertEquals((await l.loss.data())[0], ((await toOne.data())[0]! * 0.5) / 2);
  tr.dispose();
});
