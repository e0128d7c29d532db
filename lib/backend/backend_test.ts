import * as tf from "@tensorflow/tfjs-core";
import { assert, assertRejects } from "../util/assert.ts";
import { resolveConfig } from "../run/config.ts";
import { initWeights } from "../model/init.ts";
import { TRM } from "../model/trm.ts";
import { Prng } from "../util/prng.ts";
import { useBackend } from "./backend.ts";

async function stepOn(backend: "wasm" | "cpu", mixer: "mlp" | "attention") {
  await useBackend(backend);
  const cfg =
    resolveConfig("smoke", { mixer, posEncoding: mixer === "mlp" ? "none" : "rope" }).model;
  const model = new TRM(cfg);
  const w = initWeights(cfg, new Prng(5));
  const p = new Prng(6);
  const inputs = tf.tensor2d(
    Array.from({ length: 3 * cfg.seqLen }, () => 1 + p.int(cfg.vocabSize - 1)),
    [3, cfg.seqLen],
    "int32",
  );
  const q = { inputs, puzzleIds: tf.zeros([3], "int32") as tf.Tensor1D };
  const loss = (ww: Record<string, tf.Tensor>) =>
    tf.sum(tf.square(model.supervisionStep(ww, q, model.initialState(ww, 3)).logits)) as tf.Scalar;
  const g = tf.grad((e: tf.Tensor) => loss({ ...w, embed_tokens: e }))(w.embed_tokens!);
  const out = {
    logits: Array.from(await model.supervisionStep(w, q, model.initialState(w, 3)).logits.data()),
    grad: Array.from(await g.data()),
  };
  model.dispose();
  return out;
}

for (const mixer of ["mlp", "attention"] as const) {
  Deno.test(`wasm and cpu backends agree on a supervision step and its gradient (${mixer})`, async () => {
    const a = await stepOn("wasm", mixer), b = await stepOn("cpu", mixer);
    const rel = (x: number[], y: number[]) =>
      Math.max(...x.map((v, i) => Math.abs(v - y[i]!))) / Math.max(1e-6, ...y.map(Math.abs));
    assert(rel(a.logits, b.logits) < 1e-4, `logits ${rel(a.logits, b.logits)}`);
    assert(rel(a.grad, b.grad) < 1e-3, `grad ${rel(a.grad, b.grad)}`);
    await useBackend("wasm");
  });
}

Deno.test("useBackend() rejects unknown names and explains a missing tensorflow backend", async () => {
  await assertRejects(() => useBackend("gpu" as never), 'unknown backend "gpu"');
  if (!Deno.env.get("TRM_TEST_TENSORFLOW")) {
    // Without tfjs-node installed (the default), asking for it must say how to get it.
    await assertRejects(() => useBackend("tensorflow"), "deno task setup:gpu");
  }
  await useBackend("wasm");
});
