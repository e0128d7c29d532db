import * as tf from "@tensorflow/tfjs-core";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { useBackend } from "../backend/mod.ts";
import { defaultModelConfig, type ModelConfig } from "./config.ts";
import { countParameters, initWeights, namesIn } from "./init.ts";
import { TRM } from "./trm.ts";
import { randomQuestion, tinyConfig } from "./testdata/tiny.ts";
import { answerLoss } from "./losses.ts";

await useBackend("wasm");

const tiny: ModelConfig = tinyConfig({ recursions: 3 });
const question = randomQuestion;

Deno.test("countParameters() matches the reference's TRM counts", () => {
  assertEquals(countParameters(defaultModelConfig), 5_028_866); // TRM-MLP, Sudoku
  const att = { ...defaultModelConfig, mixer: "attention" as const, posEncoding: "rope" as const };
  assertEquals(countParameters(att), 6_828_034); // TRM-Att, Sudoku
  assertEquals(countParameters({ ...att, vocabSize: 12, seqLen: 900 }), 6_829_058); // TRM-Att, ARC
});

for (const mixer of ["mlp", "attention"] as const) {
  Deno.test(`TRM.supervisionStep() gives the documented shapes (${mixer})`, () => {
    const cfg = {
      ...tiny,
      mixer,
      posEncoding: mixer === "mlp" ? "none" as const : "rope" as const,
    };
    const model = new TRM(cfg);
    const w = initWeights(cfg, new Prng(0));
    const before = tf.memory().numTensors;
    const q = question(3, cfg, 1);
    const s0 = model.initialState(w, 3);
    const out = tf.tidy(() =>
      model.supervisionStep(w, q, s0) as unknown as tf.TensorContainer
    ) as unknown as ReturnType<TRM["supervisionStep"]>;
    assertEquals(out.logits.shape, [3, 16, 6]);
    assertEquals(out.qHalt.shape, [3]);
    assertEquals(out.state.y.shape, [3, 18, 16]);
    // The halting head starts at bias -5 with zero weight.
    assertAlmostEquals(out.qHalt.dataSync()[0]!, -5, 1e-5);
    tf.dispose([
      out.logits,
      out.qHalt,
      out.qContinue,
      out.state.y,
      out.state.z,
      s0.y,
      s0.z,
      q.inputs,
      q.puzzleIds,
    ]);
    assertEquals(tf.memory().numTensors, before, "no tensor leaks from a step");
    model.dispose();
    tf.dispose(Object.values(w));
  });
}

Deno.test("TRM.supervisionStep() differentiates only the last recursion", () => {
  // Gradient with T=3 must equal the gradient of one recursion started from the
  // (y, z) that two gradient-free recursions produce.
  const model = new TRM(tiny);
  const w = initWeights(tiny, new Prng(2));
  const dense = namesIn(tiny, "dense").filter((n) => n !== "q_head.weight" && n !== "q_head.bias");
  const q = question(2, tiny, 3);
  const labels = q.inputs;
  const s0 = model.initialState(w, 2);
  const lossOf = (logits: tf.Tensor3D) =>
    tf.sum(answerLoss(logits, labels, "stablemax")) as tf.Scalar;
  const full = tf.grads((...ts: tf.Tensor[]) => {
    const ww = { ...w, ...Object.fromEntries(dense.map((n, i) => [n, ts[i]!])) };
    return lossOf(model.supervisionStep(ww, q, s0).logits);
  })(dense.map((n) => w[n]!));
  const oneT = new TRM({ ...tiny, recursions: 1 });
  let s = s0;
  for (let t = 0; t < 2; t++) s = oneT.supervisionStep(w, q, s).state;
  const last = tf.grads((...ts: tf.Tensor[]) => {
    const ww = { ...w, ...Object.fromEntries(dense.map((n, i) => [n, ts[i]!])) };
    return lossOf(oneT.supervisionStep(ww, q, s).logits);
  })(dense.map((n) => w[n]!));
  for (let i = 0; i < dense.length; i++) {
    const diff = tf.max(tf.abs(tf.sub(full[i]!, last[i]!))).dataSync()[0]!;
    const scale = tf.max(tf.abs(last[i]!)).dataSync()[0]!;
    assert(scale > 0, `${dense[i]} has a gradient`);
    assert(diff <= 1e-5 * Math.max(1, scale), `${dense[i]}: ${diff}`);
  }
});

Deno.test("TRM.supervisionStep() returns a detached state", () => {
  const model = new TRM(tiny);
  const w = initWeights(tiny, new Prng(4));
  const q = question(2, tiny, 5);
  const s0 = model.initialState(w, 2);
  // A loss on the *next* step's logits must not reach the previous step's weights
  // through the carry: tfjs then finds no path at all. The first step's own
  // logits (control) do reach them.
  const e0 = tf.clone(w.embed_tokens!);
  const viaCarry = (e: tf.Tensor) => {
    const first = model.supervisionStep({ ...w, embed_tokens: e }, q, s0);
    return tf.sum(model.supervisionStep(w, q, first.state).logits) as tf.Scalar;
  };
  const direct = (e: tf.Tensor) =>
    tf.sum(model.supervisionStep({ ...w, embed_tokens: e }, q, s0).logits) as tf.Scalar;
  assertThrows(() => tf.grad(viaCarry)(e0), "Cannot compute gradient");
  assert(tf.max(tf.abs(tf.grad(direct)(e0))).dataSync()[0]! > 0);
});
