import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { loadTaskData } from "../data/datasets.ts";
import { Sampler } from "../data/sampling.ts";
import { resolveConfig } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import {
  checkpointConfig,
  checkWeights,
  evalWeightsFromFile,
  evalWeightsOnly,
  restoreTrainer,
  trainerToFile,
} from "./state.ts";
import { Trainer } from "./trainer.ts";

await useBackend("wasm");

const cfg = resolveConfig("smoke", { trainPuzzles: 20, testPuzzles: 8 });
const data = await loadTaskData(cfg.data, cfg.run.seed);
const tr = new Trainer(cfg, new Sampler(data.train, { augment: false, seed: 0 }));
const file = await trainerToFile(tr);
tr.dispose();

Deno.test("checkWeights() names every tensor of a checkpoint from another model shape", () => {
  const wider = resolveConfig("smoke", { hiddenSize: 48 }).model;
  const err = assertThrows(() => checkWeights(file, wider, "w/", "run/checkpoint.safetensors"));
  assert(err.message.startsWith("run/checkpoint.safetensors does not fit this model"));
  assert(
    err.message.includes("embed_tokens: shape [6,32] in the file, [6,48] expected"),
    err.message,
  );
  const deeper = resolveConfig("smoke", { layers: 3 }).model;
  const e2 = assertThrows(() => checkWeights(file, deeper, "w/", "ckpt"));
  assert(e2.message.includes("layers.2.mlp.down_proj: missing"), e2.message);
  checkWeights(file, cfg.model, "w/", "ckpt"); // the matching config passes
});

Deno.test("checkpointConfig() gives keys newer than the checkpoint their defaults", () => {
  const old = JSON.parse(JSON.stringify(cfg));
  delete old.model.halting;
  delete old.model.arch;
  const c = checkpointConfig(
    { ...file, metadata: { ...file.metadata, config: JSON.stringify(old) } },
    "ckpt",
  );
  assertEquals(c.model.halting, "bce");
  assertEquals(c.model.arch, "trm");
  assertEquals(c.model.hiddenSize, 32);
});

Deno.test("restoreTrainer() refuses a weights-only checkpoint with a message that says so", () => {
  const t = new Trainer(cfg, new Sampler(data.train, { augment: false, seed: 0 }));
  const { sampler: _s, explore: _e, ...rest } = file.metadata;
  const err = assertThrows(() => restoreTrainer(t, { ...file, metadata: rest }, "imported/ckpt"));
  assert(
    err.message.includes("imported/ckpt holds weights only (no sampler, explore"),
    err.message,
  );
  t.dispose();
});

Deno.test("evalWeightsOnly() keeps the EMA weights as the weights, and nothing to resume from", async () => {
  // An EMA that differs from the raw weights, so the test can tell which one is kept.
  const e = file.tensors["ema/embed_tokens"]!;
  const ema = { ...e, data: Float32Array.from(e.data, (v) => v + 1) };
  const full = { ...file, tensors: { ...file.tensors, "ema/embed_tokens": ema } };
  const slim = evalWeightsOnly(full, "run/checkpoint.safetensors");
  assert(Object.keys(slim.tensors).every((n) => n.startsWith("w/")));
  const raw = Object.keys(full.tensors).filter((n) => n.startsWith("w/"));
  assertEquals(Object.keys(slim.tensors).sort(), raw.sort());
  assert(Object.keys(full.tensors).length > raw.length, "the full file holds more");
  assertEquals(slim.tensors["w/embed_tokens"], ema);
  assertEquals(slim.metadata.weights, "ema");
  assertEquals(checkpointConfig(slim, "slim"), checkpointConfig(full, "full"));
  const a = evalWeightsFromFile(full, cfg.model, "full"),
    b = evalWeightsFromFile(slim, cfg.model, "slim");
  for (const [n, w] of Object.entries(a)) assertEquals(await w.data(), await b[n]!.data(), n);
  const t = new Trainer(cfg, new Sampler(data.train, { augment: false, seed: 0 }));
  assertThrows(() => restoreTrainer(t, slim, "slim"), "holds weights only");
  t.dispose();
});
