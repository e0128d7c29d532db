import { assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { initWeights } from "../model/init.ts";
import { createModel } from "../model/create.ts";
import { resolveConfig } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import { traceAnswer } from "./trace.ts";

await useBackend("wasm");

for (const arch of ["trm", "hrm"] as const) {
  Deno.test(`traceAnswer() per recursion ends each supervision step where the step does (${arch})`, async () => {
    const over = arch === "hrm"
      ? { arch, networks: "separate", gradient: "oneStep", halting: "qAct" }
      : {};
    const cfg = resolveConfig("smoke", { recursions: 3, supervisionSteps: 3, ...over }).model;
    const model = createModel(cfg);
    const w = initWeights(cfg, new Prng(3));
    const p = new Prng(4);
    const inputs = Int32Array.from({ length: 2 * cfg.seqLen }, () => 1 + p.int(cfg.vocabSize - 1));
    const bySteps = await traceAnswer(model, w, inputs);
    const byRec = await traceAnswer(model, w, inputs, { perRecursion: true });
    assertEquals(bySteps.predictions.length, 3);
    assertEquals(byRec.predictions.length, 9);
    assertEquals(byRec.steps[4], { step: 2, recursion: 2 });
    for (let k = 0; k < 3; k++) {
      assertEquals(Array.from(byRec.predictions[3 * k + 2]!), Array.from(bySteps.predictions[k]!));
    }
    // Deeper than N_sup: the same first steps, then more.
    const deeper = await traceAnswer(model, w, inputs, { depth: 5 });
    assertEquals(deeper.predictions.length, 5);
    assertEquals(deeper.predictions.slice(0, 3), bySteps.predictions);
  });
}
