import type { StoredTensor } from "../util/safetensors.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { defaultModelConfig, type ModelConfig } from "./config.ts";
import { kitToOfficial, officialToKit } from "./convert.ts";
import {
  expansionFor,
  HIER6_NAME,
  modelConfigFromOfficial,
  officialArch,
  shapeFacts,
} from "./convert_arch.ts";
import { decodeAnySafetensors } from "./convert_io.ts";
import { weightSpecs } from "./init.ts";
import { loadGolden } from "./parity_util.ts";
import { tinyConfig } from "./testdata/tiny.ts";

const mlp: ModelConfig = tinyConfig({ supervisionSteps: defaultModelConfig.supervisionSteps });
const att: ModelConfig = { ...mlp, mixer: "attention", posEncoding: "rope" };

/** Random kit weights (every value distinct), as stored tensors. */
function randomKit(cfg: ModelConfig, seed: number): Record<string, StoredTensor> {
  const p = new Prng(seed);
  return Object.fromEntries(
    weightSpecs(cfg).map((s) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      return [s.name, {
        dtype: "F32" as const,
        shape: s.shape,
        data: Float32Array.from({ length: n }, () => p.next() - 0.5),
      }];
    }),
  );
}

const bits = (t: StoredTensor) => Array.from(new Uint32Array(new Float32Array(t.data).buffer));

const hrmCfg: ModelConfig = { ...att, arch: "hrm", networks: "separate", gradient: "oneStep" };
/** Multi-scale z as the official trm_hier6 runs it: n = 6. */
const hier6: ModelConfig = { ...mlp, latentMode: "multiScale", latentSteps: 6 };
for (const cfg of [mlp, att, { ...att, puzzlePrefix: 0 }, hrmCfg, hier6]) {
  Deno.test(`kit -> official -> kit is exact (${cfg.arch} ${cfg.mixer}, prefix ${cfg.puzzlePrefix}, ${cfg.latentMode} z)`, () => {
    const kit = randomKit(cfg, 3);
    if (cfg.puzzlePrefix === 0) kit.puzzle_emb!.data.fill(0); // unused then, and not exported
    const back = officialToKit(kitToOfficial(kit, cfg), cfg);
    assertEquals(Object.keys(back).sort(), Object.keys(kit).sort());
    for (const [n, t] of Object.entries(kit)) {
      assertEquals(back[n]!.shape, t.shape, n);
      assertEquals(bits(back[n]!), bits(t), n);
    }
  });
}

Deno.test("kitToOfficial() writes exactly the names and shapes of the PyTorch re-statement", () => {
  for (const name of ["mlp", "att_rope", "att_noprefix", "hrm", "hier6"]) {
    const file = loadGolden(`trm_${name}.safetensors`);
    const cfg = modelConfigFromOfficial(JSON.parse(file.metadata.config!));
    const official = Object.entries(file.tensors).filter(([n]) => n.startsWith("model.inner."));
    const ours = kitToOfficial(randomKit(cfg, 1), cfg);
    assertEquals(Object.keys(ours).sort(), official.map(([n]) => n).sort(), name);
    for (const [n, t] of official) assertEquals(ours[n]!.shape, t.shape, n);
  }
});

Deno.test("linear weights are transposed: kit [in, out] is PyTorch [out, in]", () => {
  const kit = randomKit(att, 2);
  const official = kitToOfficial(kit, att);
  const w = kit["layers.0.self_attn.qkv_proj"]!,
    o = official["model.inner.L_level.layers.0.self_attn.qkv_proj.weight"]!;
  assertEquals(o.shape, [3 * att.hiddenSize, att.hiddenSize]);
  const [inDim, outDim] = w.shape as [number, number];
  assertEquals(o.data[5 * inDim + 3], w.data[3 * outDim + 5]); // out 5, in 3
  assertEquals(official["model.inner.H_init"]!.data, kit.y_init!.data);
  assertEquals(official["model.inner.embed_tokens.embedding_weight"]!.shape, [6, 16]);
});

Deno.test("multi-scale z_init [6·D] is trm_hier6's L1_init .. L6_init side by side", () => {
  const kit = randomKit(hier6, 9);
  const official = kitToOfficial(kit, hier6);
  const d = hier6.hiddenSize;
  assert(!("model.inner.L_init" in official), "trm_hier6 has no L_init");
  for (let i = 0; i < 6; i++) {
    const t = official[`model.inner.L${i + 1}_init`]!;
    assertEquals(t.shape, [d]);
    assertEquals(Array.from(t.data), Array.from(kit.z_init!.data.subarray(i * d, (i + 1) * d)));
  }
  // A trm_hier6 state dict read as a plain TRM names the latent inits.
  const e = assertThrows(() => officialToKit(official, mlp));
  assert(e.message.includes("model.inner.L_init: missing"), e.message);
  assert(e.message.includes("model.inner.L3_init: unexpected (a trm_hier6"), e.message);
  delete official["model.inner.L6_init"];
  assertThrows(
    () => officialToKit(official, hier6),
    "model.inner.L6_init: missing (expected [16])",
  );
});

Deno.test("officialToKit() accepts torch.compile and ACT-model prefixes and ignores rope caches", () => {
  const official = kitToOfficial(randomKit(mlp, 4), mlp);
  const renamed = (f: (n: string) => string) =>
    Object.fromEntries(Object.entries(official).map(([n, t]) => [f(n), t]));
  for (const f of [(n: string) => `_orig_mod.${n}`, (n: string) => n.replace(/^model\./, "")]) {
    const back = officialToKit(renamed(f), mlp);
    assertEquals(back.lm_head!.shape, [16, 6]);
  }
  const withCache = {
    ...official,
    "model.inner.rotary_emb.cos_cached": {
      dtype: "F32" as const,
      shape: [1],
      data: new Float32Array(1),
    },
  };
  officialToKit(withCache, mlp);
});

Deno.test("officialToKit() names every missing, unexpected and misshapen tensor at once", () => {
  const official = kitToOfficial(randomKit(mlp, 5), mlp);
  delete official["model.inner.lm_head.weight"];
  official["model.inner.embed_pos.embedding_weight"] = {
    dtype: "F32",
    shape: [18, 16],
    data: new Float32Array(18 * 16),
  };
  const e = assertThrows(() =>
    officialToKit(official, { ...mlp, hiddenSize: 32 }, "my.safetensors")
  );
  for (
    const part of [
      "my.safetensors does not fit",
      "model.inner.lm_head.weight: missing (expected [6,32])",
      "model.inner.embed_pos.embedding_weight: unexpected (learned position embeddings",
      "model.inner.embed_tokens.embedding_weight: shape [6,16], expected [6,32]",
      "model.inner.L_level.layers.1.mlp.down_proj.weight: shape",
    ]
  ) assert(e.message.includes(part), `"${part}" not in:\n${e.message}`);
  assertThrows(
    () => officialToKit({ "weird.name": official["model.inner.H_init"]! }, mlp),
    "not under model.inner.",
  );
});

Deno.test("shapeFacts() and expansionFor() read the architecture off the paper's shapes", () => {
  const paper = { ...defaultModelConfig };
  const facts = shapeFacts(kitToOfficial(randomKit({ ...paper, hiddenSize: 64 }, 6), {
    ...paper,
    hiddenSize: 64,
  }));
  assertEquals(facts.mixer, "mlp");
  assertEquals(facts.totalLength, 97);
  assertEquals(facts.hiddenSize, 64);
  assertEquals(facts.layers, 2);
  assertEquals(facts.numPuzzleIds, 1);
  assertEquals(expansionFor(facts), 4);
  const a = shapeFacts(
    kitToOfficial(randomKit({ ...att, puzzlePrefix: 0 }, 7), { ...att, puzzlePrefix: 0 }),
  );
  assertEquals([a.mixer, a.numPuzzleIds, a.totalLength], ["attention", undefined, undefined]);
  assertEquals([a.arch, shapeFacts(kitToOfficial(randomKit(hrmCfg, 8), hrmCfg)).arch], [
    "trm",
    "hrm",
  ]);
  // Widths that no expansion gives are refused.
  assertEquals(expansionFor({ ...a, channelWidth: 100 }), undefined);
});

Deno.test("officialArch() and modelConfigFromOfficial() are inverse; unsupported settings are named", () => {
  const hrm: ModelConfig = {
    ...att,
    arch: "hrm",
    networks: "separate",
    gradient: "oneStep",
    halting: "qAct",
    puzzlePrefix: 1,
  };
  const cfgs = [mlp, att, { ...att, puzzlePrefix: 0, posEncoding: "none" as const }, hrm, hier6];
  for (const cfg of cfgs) assertEquals(modelConfigFromOfficial(officialArch(cfg)), cfg);
  assertEquals(officialArch(hrm).H_layers, hrm.layers);
  assertEquals(officialArch(hier6).name, HIER6_NAME);
  assertThrows(() => officialArch({ ...mlp, latentMode: "single" }), "no official model runs");
  // trm_hier6 always keeps six latents; the kit's multi-scale z keeps n.
  assertThrows(() => officialArch({ ...hier6, latentSteps: 3 }), 'multiScale" with n = 3');
  assertThrows(
    () => modelConfigFromOfficial({ ...officialArch(hier6), L_cycles: 3 }),
    "trm_hier6 with L_cycles 3",
  );
  const e = assertThrows(() =>
    modelConfigFromOfficial({ ...officialArch(att), pos_encodings: "learned", puzzle_emb_ndim: 8 })
  );
  assert(e.message.includes('pos_encodings "learned"') && e.message.includes("puzzle_emb_ndim 8"));
});

Deno.test("decodeAnySafetensors() widens bf16 and fp16 exactly and rounds fp64", () => {
  const header = {
    a: { dtype: "BF16", shape: [2], data_offsets: [0, 4] },
    b: { dtype: "F16", shape: [3], data_offsets: [4, 10] },
    c: { dtype: "F64", shape: [1], data_offsets: [10, 18] },
    d: { dtype: "I64", shape: [1], data_offsets: [18, 26] },
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + 26);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  const at = 8 + json.length;
  view.setUint16(at, 0x3fc0, true); // bf16 1.5
  view.setUint16(at + 2, 0xc040, true); // bf16 -3
  view.setUint16(at + 4, 0x3c00, true); // fp16 1
  view.setUint16(at + 6, 0x0001, true); // fp16 smallest subnormal 2^-24
  view.setUint16(at + 8, 0xfbff, true); // fp16 -65504
  view.setFloat64(at + 10, 0.1, true);
  view.setBigInt64(at + 18, 7n, true);
  const { file, converted } = decodeAnySafetensors(bytes, "x.safetensors");
  assertEquals(Array.from(file.tensors.a!.data), [1.5, -3]);
  assertEquals(Array.from(file.tensors.b!.data), [1, 2 ** -24, -65504]);
  assertEquals(file.tensors.c!.data[0], Math.fround(0.1));
  assertEquals([file.tensors.d!.dtype, file.tensors.d!.data[0]], ["I32", 7]);
  assertEquals(converted, ["a: BF16", "b: F16", "c: F64", "d: I64"]);
  assertThrows(() => decodeAnySafetensors(bytes.subarray(0, 40), "x.safetensors"), "x.safetensors");
});
