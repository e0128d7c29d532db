import * as tf from "@tensorflow/tfjs-core";
import { kitToOfficial, weightSpecs } from "@kit/model/mod.ts";
import { loadModel, resolveConfig } from "@kit/run/mod.ts";
import { useBackend } from "@kit/backend/mod.ts";
import { CHECKPOINT_FORMAT } from "@kit/train/mod.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  encodeSafetensors,
  loadTensorFile,
  Prng,
  type StoredTensor,
  type TensorFile,
} from "@kit/util/mod.ts";
import { main } from "./convert.ts";

await useBackend("wasm");

function random(shape: number[], p: Prng): StoredTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: "F32", shape, data: Float32Array.from({ length: n }, () => p.next() - 0.5) };
}

/** A kit checkpoint with raw and EMA weights (no optimiser state: export does not need it). */
async function kitCheckpoint(dir: string, overrides: Record<string, unknown>) {
  const cfg = resolveConfig("smoke", overrides);
  const p = new Prng(11);
  const tensors: Record<string, StoredTensor> = {};
  for (const s of weightSpecs(cfg.model)) {
    tensors[`w/${s.name}`] = random(s.shape, p);
    if (s.group === "dense") tensors[`ema/${s.name}`] = random(s.shape, p);
  }
  const file: TensorFile = {
    tensors,
    metadata: { format: CHECKPOINT_FORMAT, config: JSON.stringify(cfg), step: "42" },
  };
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(`${dir}/checkpoint.safetensors`, encodeSafetensors(file));
  return { cfg, file };
}

const quiet = async (fn: () => Promise<number>) => {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
};

const VARIANTS: Record<string, Record<string, unknown>> = {
  "TRM-MLP": { mixer: "mlp", posEncoding: "none" },
  "TRM-Att": { mixer: "attention", posEncoding: "rope" },
  HRM: {
    mixer: "attention",
    posEncoding: "rope",
    arch: "hrm",
    networks: "separate",
    gradient: "oneStep",
    halting: "qAct",
  },
};

for (const [variant, overrides] of Object.entries(VARIANTS)) {
  Deno.test(`convert export then import gives back the evaluation weights exactly (${variant})`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const { cfg, file } = await kitCheckpoint(`${dir}/run`, overrides);
      const mixer = cfg.model.mixer;
      assertEquals(
        await quiet(() => main(["export", `${dir}/run`, "--out", `${dir}/w.safetensors`])),
        0,
      );
      const exported = await loadTensorFile(`${dir}/w.safetensors`);
      assert(Object.keys(exported.tensors).every((n) => n.startsWith("model.inner.")));
      assertEquals(exported.metadata.weights, "ema");
      assertEquals(JSON.parse(exported.metadata.trm_config!).mlp_t, mixer === "mlp");

      assertEquals(
        await quiet(() => main(["import", `${dir}/w.safetensors`, "--out", `${dir}/back`])),
        0,
      );
      const m = await loadModel(`${dir}/back`);
      assertEquals(m.cfg.model, cfg.model);
      assertEquals(m.cfg.data, cfg.data);
      assertEquals(m.step, 42);
      for (const s of weightSpecs(cfg.model)) {
        const want = (file.tensors[`ema/${s.name}`] ?? file.tensors[`w/${s.name}`])!;
        assertEquals(Array.from(await m.weights[s.name]!.data()), Array.from(want.data), s.name);
      }
      const record = JSON.parse(await Deno.readTextFile(`${dir}/back/config.json`));
      assertEquals(record.importedFrom, `${dir}/w.safetensors`);
      tf.dispose(Object.values(m.weights));
      m.model.dispose();
      // A second import into the same folder needs --force.
      await assertRejects(
        () => quiet(() => main(["import", `${dir}/w.safetensors`, "--out", `${dir}/back`])),
        "--force",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("convert import infers an official model's config from its shapes and flags", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // An official-style state dict (no kit metadata): 6x6 Sudoku, attention, prefix 3, D 24.
    const cfg = resolveConfig("smoke", {
      size: 6,
      blanks: 10,
      mixer: "attention",
      posEncoding: "rope",
      hiddenSize: 24,
      heads: 3,
      puzzlePrefix: 3,
      layers: 3,
    });
    const p = new Prng(3);
    const kit = Object.fromEntries(weightSpecs(cfg.model).map((s) => [s.name, random(s.shape, p)]));
    const official = kitToOfficial(kit, cfg.model);
    await Deno.writeFile(
      `${dir}/official.safetensors`,
      encodeSafetensors({ tensors: official, metadata: { format: "pt" } }),
    );
    const args = ["import", `${dir}/official.safetensors`, "--out", `${dir}/run`];
    await quiet(() =>
      main([...args, "--heads", "3", "--puzzlePrefix", "3", "--n", "2", "--T", "2"])
    );
    const m = await loadModel(`${dir}/run`);
    const got = m.cfg.model;
    assertEquals(
      [got.mixer, got.hiddenSize, got.heads, got.layers, got.puzzlePrefix, got.posEncoding],
      ["attention", 24, 3, 3, 3, "rope"],
    );
    assertEquals([m.cfg.data.size, got.seqLen, got.vocabSize], [6, 36, 8]);
    assertEquals([got.latentSteps, got.recursions], [2, 2]);
    tf.dispose(Object.values(m.weights));
    m.model.dispose();
    // Flags that contradict the weights: the error lists the tensors that do not fit.
    const e = await assertRejects(() =>
      quiet(() => main([...args, "--out", `${dir}/bad`, "--size", "4", "--heads", "3"]))
    );
    assert(
      e.message.includes(
        "model.inner.embed_tokens.embedding_weight: shape [8,24], expected [6,24]",
      ),
      e.message,
    );
    await assertRejects(
      () => quiet(() => main(["import", `${dir}/missing.safetensors`, "--out", `${dir}/x`])),
      "cannot read",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("convert weights keeps the evaluation weights in a folder loadModel reads", async () => {
  const dir = await Deno.makeTempDir();
  const { cfg, file } = await kitCheckpoint(`${dir}/run`, {});
  await Deno.writeTextFile(`${dir}/run/summary.json`, JSON.stringify({ test: { exactAcc: 0.5 } }));
  assertEquals(await quiet(() => main(["weights", `${dir}/run`, "--out", `${dir}/model`])), 0);
  const kept = await loadTensorFile(`${dir}/model/checkpoint.safetensors`);
  assert(Object.keys(kept.tensors).every((n) => n.startsWith("w/")), "weights only");
  const m = await loadModel(`${dir}/model`);
  assertEquals(m.step, 42);
  for (const s of weightSpecs(cfg.model)) {
    const want = file.tensors[`ema/${s.name}`] ?? file.tensors[`w/${s.name}`]!;
    assertEquals(Array.from(await m.weights[s.name]!.data()), Array.from(want.data), s.name);
  }
  const record = JSON.parse(await Deno.readTextFile(`${dir}/model/config.json`));
  assertEquals([record.weights, record.heldOut.exactAcc, record.exportedFrom], [
    "ema",
    0.5,
    `${dir}/run`,
  ]);
  tf.dispose(Object.values(m.weights));
  await Deno.remove(dir, { recursive: true });
});
