import { assert, assertEquals } from "../util/assert.ts";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../backend/mod.ts";
import { createModel, initWeights } from "../model/mod.ts";
import { resolveConfig } from "../run/mod.ts";
import { Prng } from "../util/prng.ts";
import { netCalls } from "./mechanism_calls.ts";
import { haltingFigure, haltRows } from "./mechanism_halting.ts";
import { mixerParameters, mixingHeatmap, tokenMixing } from "./mechanism_mixer.ts";
import { traceYZ, yzStrip, yzStrips } from "./mechanism_trace.ts";
import { emaDemo, networkDrift } from "./mechanism_weights.ts";
import { rasterize, renderSvg } from "./render.ts";
import { runCurves } from "./run_curves.ts";
import { listingMarkdown, readSource } from "./source.ts";
import { testInputs, tinyScore, trainTiny } from "./tiny.ts";

await useBackend("wasm");

function tiny(overrides: Record<string, unknown> = {}) {
  const cfg = resolveConfig("smoke", overrides);
  return { cfg, model: createModel(cfg.model), w: initWeights(cfg.model, new Prng(0)) };
}

Deno.test("netCalls() lists T(n+1) calls in the code's order, only the last recursion taped", () => {
  const { model, w, cfg } = tiny({ n: 2, T: 3 });
  const before = tf.memory().numTensors;
  const calls = netCalls(model, w);
  assertEquals(tf.memory().numTensors, before);
  assertEquals(calls.length, 3 * (2 + 1));
  assertEquals(calls.map((c) => c.updates).join(""), "zzyzzyzzy");
  assertEquals(calls.map((c) => c.taped), [...Array(6).fill(false), true, true, true]);
  assert(calls.filter((c) => c.taped).every((c) => c.tapedOps > 0));
  assertEquals(calls.at(-1)!.recursion, cfg.model.recursions);
  assert(!Object.hasOwn(model, "net"), "the wrapper is removed");
});

Deno.test("netCalls() under the 1-step gradient tapes only the last z and the y update", () => {
  const { model, w } = tiny({ n: 3, T: 2, gradient: "oneStep" });
  const taped = netCalls(model, w).map((c) => c.taped ? c.updates : "-").join("");
  assertEquals(taped, "------zy");
});

Deno.test("traceYZ() decodes y and z after every recursion; yzStrips() draws both", async () => {
  const { model, w, cfg } = tiny();
  const inputs = new Int32Array(cfg.model.seqLen).fill(1);
  const t = await traceYZ(model, w, inputs, { steps: 2 });
  assertEquals(t.y.length, 2 * cfg.model.recursions);
  assertEquals(t.labels[1], "step 1, rec 2");
  const answer = new Uint8Array(cfg.model.seqLen).fill(1);
  const [ys, zs] = yzStrips(new Uint8Array(cfg.model.seqLen), t, answer);
  assert(ys.includes("y through the head") && zs.includes("z through the head"));
  const both = yzStrip(new Uint8Array(cfg.model.seqLen), t, answer);
  assertEquals(both.match(/<svg /g)?.length, 3);
  assert(rasterize(both).width > 0, "the stacked SVG rasterises");
  await assertRejects(() => traceYZ(tiny({ latentMode: "multiScale" }).model, w, inputs));
});

Deno.test("haltRows() stops each row at the first p > 0.5 and scores its answer there", async () => {
  const trace = {
    predictions: [Int32Array.of(1, 1, 2, 2), Int32Array.of(3, 3, 4, 4)],
    haltProb: [Float32Array.of(0.9, 0.1), Float32Array.of(0.9, 0.2)],
  };
  const rows = haltRows(trace, Int32Array.of(1, 1, 4, 4));
  assertEquals(rows.map((r) => [r.stop, r.correct]), [[1, true], [undefined, true]]);
  assert((await renderSvg(haltingFigure(rows))).includes("<svg"));
});

Deno.test("mixerParameters() and tokenMixing() read the block weights", async () => {
  const { cfg, w } = tiny();
  const t = mixerParameters(cfg.model);
  assert(t.rows.some((r) => r.weight === "mlp_t.gate_up_proj"));
  assert(t.rows.some((r) => r.weight === "self_attn.qkv_proj"));
  const m = await tokenMixing(w, cfg.model);
  const l = cfg.model.puzzlePrefix + cfg.model.seqLen;
  assertEquals([m.length, m[0]!.length], [l, l]);
  assert((await renderSvg(mixingHeatmap({ init: m }, cfg.model))).includes("<svg"));
});

Deno.test("networkDrift() needs two networks and measures moves and gaps", async () => {
  const { w } = tiny({ networks: "separate" });
  const moved = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, tf.mul(v, 2)]));
  const rows = await networkDrift(moved, w);
  assert(rows.length > 0);
  assert(rows.every((r) => Math.abs(r.movedL - 1) < 1e-5 && Math.abs(r.movedH - 1) < 1e-5));
  await assertRejects(() => networkDrift(tiny().w, tiny().w));
  assert((await renderSvg(emaDemo(0.9, 50))).includes("<svg"));
});

async function assertRejects(fn: () => Promise<unknown>) {
  let threw = false;
  await fn().catch(() => threw = true);
  assert(threw, "expected a rejection");
}

Deno.test("readSource() returns the recursion as written, doc comment and line numbers included", async () => {
  const l = await readSource("recursion");
  assert(l.lines[0]!.startsWith("/**"));
  assert(l.lines.some((s) => s.startsWith("recursion(")));
  assertEquals(l.lines.at(-1), "}");
  const file = (await Deno.readTextFile(new URL("../model/trm.ts", import.meta.url))).split("\n");
  assert(file[l.firstLine - 1]!.trim().startsWith("/**"));
  assert(listingMarkdown(l).includes("```ts"));
  await assertRejects(() => readSource("noSuchMethod"));
});

Deno.test("trainTiny() trains a smoke model with one value changed and keeps init and raw weights", async () => {
  const m = await trainTiny({ steps: 2, T: 1 });
  assertEquals(m.cfg.model.recursions, 1);
  assertEquals(m.summary.step, 2);
  assertEquals(Object.keys(m.init).sort(), Object.keys(m.weights).sort());
  assertEquals(testInputs(m, 2).length, 2 * m.cfg.model.seqLen);
  assertEquals(tinyScore(m).changed, "steps=2, T=1");
});

Deno.test("runCurves() reads one run folder's metrics.jsonl through loadCurves", async () => {
  const dir = await Deno.makeTempDir();
  const lines = [
    { kind: "train", step: 10, loss: 2 },
    { kind: "eval", step: 10, exactAcc: 0.5 },
  ];
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, lines.map((l) => JSON.stringify(l)).join("\n"));
  const pts = await runCurves(dir);
  assertEquals(pts.map((p) => [p.split, p.metric, p.value, p.variant]), [
    ["train", "loss", 2, "this run"],
    ["eval", "exactAcc", 0.5, "this run"],
  ]);
  await Deno.remove(dir, { recursive: true });
});
