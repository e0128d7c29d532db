/**
 * Each ablation switch of the model changes the computation as intended:
 * counted network calls (on and off the gradient tape), the weights each
 * update reads, the features carried, and HRM against TRM's switches.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { useBackend } from "../backend/mod.ts";
import { defaultModelConfig, effectiveDepth, type ModelConfig, modelProblems } from "./config.ts";
import { createModel } from "./create.ts";
import { HRM } from "./hrm.ts";
import { countParameters, initWeights, type Weights } from "./init.ts";
import { answerLoss } from "./losses.ts";
import { TRM } from "./trm.ts";
import { randomQuestion, tinyConfig } from "./testdata/tiny.ts";

await useBackend("wasm");

const tiny: ModelConfig = tinyConfig({ latentSteps: 3 });
const question = (b: number, cfg: ModelConfig) => randomQuestion(b, cfg, 7);

/** A TRM that logs each net call: which weights, and whether the gradient tape was on. */
class Spy extends TRM {
  calls: { level: string; taped: boolean }[] = [];
  override net(w: Weights, h: tf.Tensor3D, inj: tf.Tensor3D | null, level: "L" | "H" = "L") {
    const depth = (tf.engine() as unknown as { state: { gradientDepth: number } }).state
      .gradientDepth;
    this.calls.push({ level, taped: depth > 0 });
    return super.net(w, h, inj, level);
  }
}

/** Runs one supervision step under tf.grads and returns the spy's log. */
function traceCalls(cfg: ModelConfig) {
  const spy = new Spy(cfg);
  const w = initWeights(cfg, new Prng(1));
  const q = question(2, cfg);
  const s0 = spy.initialState(w, 2);
  tf.grad((e: tf.Tensor) => {
    const out = spy.supervisionStep({ ...w, embed_tokens: e }, q, s0);
    return tf.sum(answerLoss(out.logits, q.inputs, "stablemax")) as tf.Scalar;
  })(w.embed_tokens!);
  return spy.calls;
}

Deno.test("recursion counts: a supervision step makes T(n+1) net calls, n+1 of them on the tape", () => {
  for (const [n, t] of [[1, 1], [3, 2], [2, 3]]) {
    const calls = traceCalls({ ...tiny, latentSteps: n!, recursions: t! });
    assertEquals(calls.length, t! * (n! + 1), `n=${n} T=${t}`);
    assertEquals(calls.filter((c) => c.taped).length, n! + 1, `n=${n} T=${t}`);
    // Order within a recursion: n latent updates, then the answer update.
    assertEquals(calls.slice(-(n! + 1)).map((c) => c.level), [...Array(n!).fill("L"), "H"]);
  }
  assertEquals(effectiveDepth({ ...tiny, latentSteps: 6, recursions: 3, layers: 2 }), 42);
});

Deno.test('gradient "oneStep" differentiates only the last latent and the answer update', () => {
  const calls = traceCalls({ ...tiny, gradient: "oneStep" });
  assertEquals(calls.length, 2 * (3 + 1));
  assertEquals(calls.map((c) => c.taped), [...Array(6).fill(false), true, true]);
});

Deno.test('gradient "oneStep" gives a different gradient from "lastRecursion", same forward', () => {
  const grad = (cfg: ModelConfig) => {
    const m = new TRM(cfg);
    const w = initWeights(cfg, new Prng(2));
    const q = question(2, cfg);
    const s0 = m.initialState(w, 2);
    const name = "layers.0.mlp.down_proj";
    let loss = 0;
    const g = tf.grad((v: tf.Tensor) => {
      const out = m.supervisionStep({ ...w, [name]: v }, q, s0);
      const l = tf.sum(answerLoss(out.logits, q.inputs, "stablemax")) as tf.Scalar;
      loss = l.dataSync()[0]!;
      return l;
    })(w[name]!);
    return { g, loss };
  };
  const full = grad(tiny), one = grad({ ...tiny, gradient: "oneStep" });
  assert(Math.abs(full.loss - one.loss) < 1e-5, "same forward pass");
  const diff = tf.max(tf.abs(tf.sub(full.g, one.g))).dataSync()[0]!;
  assert(diff > 1e-4, `gradients differ (max diff ${diff})`);
});

Deno.test('networks "separate": the answer update reads its own weights (H_level)', () => {
  const cfg: ModelConfig = { ...tiny, networks: "separate", recursions: 1 };
  assertEquals(
    countParameters(cfg) - countParameters(tiny),
    countParameters({ ...tiny, layers: 4 }) - countParameters(tiny),
    "a second stack of `layers` blocks",
  );
  const calls = traceCalls(cfg);
  assertEquals(calls.map((c) => c.level), ["L", "L", "L", "H"]);
  const m = new TRM(cfg);
  const w = initWeights(cfg, new Prng(3));
  const q = question(2, cfg);
  const s0 = m.initialState(w, 2);
  const a = m.supervisionStep(w, q, s0);
  const name = "H_level.layers.1.mlp.down_proj";
  const b = m.supervisionStep({ ...w, [name]: tf.mul(w[name]!, 2) }, q, s0);
  const d = (x: tf.Tensor, y: tf.Tensor) => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!;
  assertEquals(d(a.state.z, b.state.z), 0, "z comes from f_L only");
  assert(d(a.state.y, b.state.y) > 1e-3, "y comes from f_H");
});

Deno.test('latentMode "single" carries one feature and "multiScale" n latents with their own inits', () => {
  const single = { ...tiny, latentMode: "single" as const };
  // singlez: n updates z = net(z + x), then z = net(z): the same call count as TRM.
  assertEquals(traceCalls(single).length, 2 * 4);
  let m = new TRM(single);
  let w = initWeights(single, new Prng(4));
  const q = question(2, tiny);
  let out = m.supervisionStep(w, q, m.initialState(w, 2));
  assertEquals(Array.from(out.state.y.dataSync()), Array.from(out.state.z.dataSync()));

  const multi = { ...tiny, latentMode: "multiScale" as const };
  w = initWeights(multi, new Prng(4));
  assertEquals(w.z_init!.shape, [3 * 16]);
  m = new TRM(multi);
  const s0 = m.initialState(w, 2);
  assertEquals(s0.z.shape, [2, 18, 48]);
  out = m.supervisionStep(w, q, s0);
  assertEquals(out.state.z.shape, [2, 18, 48]);
  // Every latent slot was rewritten once per recursion.
  for (const [i, slot] of tf.split(tf.sub(out.state.z, s0.z), 3, 2).entries()) {
    assert(tf.max(tf.abs(slot)).dataSync()[0]! > 1e-3, `slot ${i} updated`);
  }
  assertEquals(countParameters(multi), countParameters(tiny), "no extra trainable weights");
});

Deno.test("layers: the net applies `layers` blocks and effective depth follows", () => {
  const four = { ...tiny, layers: 4 };
  const w = initWeights(four, new Prng(5));
  assert("layers.3.mlp.down_proj" in w && !("layers.4.mlp.down_proj" in w));
  assertEquals(effectiveDepth(four), 2 * 4 * 4);
});

Deno.test("HRM computes what TRM computes with separate networks and the 1-step gradient", () => {
  const cfg: ModelConfig = {
    ...tiny,
    arch: "hrm",
    networks: "separate",
    gradient: "oneStep",
    halting: "qAct",
  };
  const hrm = createModel(cfg);
  assert(hrm instanceof HRM);
  const trm = new TRM(cfg);
  const w = initWeights(cfg, new Prng(6));
  const q = question(2, cfg);
  const s0 = hrm.initialState(w, 2);
  const names = ["layers.0.mlp.down_proj", "H_level.layers.0.mlp.down_proj", "embed_tokens"];
  const run = (m: TRM) =>
    tf.grads((...ts: tf.Tensor[]) => {
      const ww = { ...w, ...Object.fromEntries(names.map((n, i) => [n, ts[i]!])) };
      const out = m.supervisionStep(ww, q, s0);
      return tf.add(
        tf.sum(answerLoss(out.logits, q.inputs, "stablemax")),
        tf.sum(tf.add(out.qHalt, out.qContinue)),
      ) as tf.Scalar;
    })(names.map((n) => w[n]!));
  const a = run(hrm), b = run(trm);
  for (let i = 0; i < names.length; i++) {
    const diff = tf.max(tf.abs(tf.sub(a[i]!, b[i]!))).dataSync()[0]!;
    assert(diff < 1e-5, `${names[i]}: ${diff}`);
  }
  // HRM Sudoku at the published shape: 4+4 attention layers, 27,275,266 parameters.
  assertEquals(
    countParameters({
      ...defaultModelConfig,
      arch: "hrm",
      networks: "separate",
      gradient: "oneStep",
      mixer: "attention",
      posEncoding: "rope",
      layers: 4,
    }),
    27_275_266,
  );
  assert(modelProblems({ ...cfg, networks: "shared" }).some((p) => p.includes("separate")));
});
