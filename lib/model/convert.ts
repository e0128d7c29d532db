/**
 * Weights interchange with the official PyTorch TRM: the mapping between the
 * official state-dict names and layout and the kit's (pure data, no tfjs).
 *
 * Official names (`ACTLossHead(TinyRecursiveReasoningModel_ACTV1).state_dict()`,
 * as `tools/reference/trm_reference.py` writes them):
 *
 *     model.inner.embed_tokens.embedding_weight            [V, D]   kit embed_tokens
 *     model.inner.L_level.layers.<i>.<module>.weight       [out,in] kit layers.<i>.<module>, [in,out]
 *     model.inner.lm_head.weight                           [V, D]   kit lm_head, [D, V]
 *     model.inner.q_head.weight / .bias                    [2, D]   kit q_head.weight [D, 2] / bias
 *     model.inner.puzzle_emb.weights                       [N, D]   kit puzzle_emb (absent with no prefix)
 *     model.inner.H_init / L_init                          [D]      kit y_init / z_init
 *     model.inner.L1_init .. L6_init (trm_hier6)           [D] each kit z_init [6·D] (multiScale, n=6)
 *
 * A `torch.compile`d model's keys start with `_orig_mod.`; the ACT model's own
 * state dict starts with `inner.`: both are accepted. PyTorch stores linear
 * weights [out, in] and the kit [in, out], so those are transposed (exactly).
 *
 * @module
 */
import type { StoredTensor } from "../util/safetensors.ts";
import { defaultModelConfig, type ModelConfig, swigluWidth } from "./config.ts";
import { weightSpecs } from "./init.ts";

/** Prefix of every official name this module writes. */
export const OFFICIAL_PREFIX = "model.inner.";

/** Official tensors that carry no information for the kit (recomputed or per-batch scratch). */
const IGNORED = /^(rotary_emb\.(cos|sin)_cached|puzzle_emb\.local_(weights|ids))$/;

/** Where one kit weight lives in the official state dict, relative to `model.inner.`. */
export interface OfficialSlot {
  name: string;
  /** Linear weight: [in, out] in the kit, [out, in] in PyTorch. */
  transpose: boolean;
}

/**
 * The official name of a kit weight; throws for a kit weight the official TRM does not have.
 * (Under `latentMode: "multiScale"` z_init is several official tensors: {@link latentInitNames}.)
 */
export function officialSlot(kitName: string): OfficialSlot {
  const fixed: Record<string, OfficialSlot> = {
    embed_tokens: { name: "embed_tokens.embedding_weight", transpose: false },
    lm_head: { name: "lm_head.weight", transpose: true },
    "q_head.weight": { name: "q_head.weight", transpose: true },
    "q_head.bias": { name: "q_head.bias", transpose: false },
    puzzle_emb: { name: "puzzle_emb.weights", transpose: false },
    y_init: { name: "H_init", transpose: false },
    z_init: { name: "L_init", transpose: false },
  };
  const slot = fixed[kitName];
  if (slot) return slot;
  if (/^layers\.\d+\.(mlp_t|mlp|self_attn)\.[a-z_]+$/.test(kitName)) {
    return { name: `L_level.${kitName}.weight`, transpose: true };
  }
  // HRM's second module f_H (the kit's `networks: "separate"` answer net).
  if (/^H_level\.layers\.\d+\.(mlp_t|mlp|self_attn)\.[a-z_]+$/.test(kitName)) {
    return { name: `${kitName}.weight`, transpose: true };
  }
  throw new Error(`kit weight "${kitName}" has no counterpart in the official TRM state dict`);
}

/** Latents of the official multi-scale model (`trm_hier6.py` keeps z_L1..z_L6 whatever L_cycles is). */
export const HIER6_LATENTS = 6;

/**
 * With `latentMode: "multiScale"`, the official names of the n latents' inits that the
 * kit's z_init [n·D] holds side by side (latent i = z_init[i·D, (i+1)·D)); else undefined.
 */
export function latentInitNames(cfg: ModelConfig): string[] | undefined {
  if (cfg.latentMode !== "multiScale") return undefined;
  return Array.from({ length: cfg.latentSteps }, (_, i) => `L${i + 1}_init`);
}

/** [n·D] -> n tensors of [D] (copies). */
function splitLatents(t: StoredTensor, n: number): StoredTensor[] {
  const d = t.data.length / n;
  return Array.from({ length: n }, (_, i) => ({
    dtype: "F32" as const,
    shape: [d],
    data: Float32Array.from(t.data.subarray(i * d, (i + 1) * d)),
  }));
}

/** The kit weights that have an official counterpart under `cfg` (no puzzle table without a prefix). */
function exportedSpecs(cfg: ModelConfig) {
  return weightSpecs(cfg).filter((s) => !(s.name === "puzzle_emb" && cfg.puzzlePrefix === 0));
}

/** A 2-D float tensor transposed (a copy). */
export function transpose2d(t: StoredTensor): StoredTensor {
  const [r, c] = t.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { dtype: "F32", shape: [c, r], data: out };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.join(",") === b.join(",");

/**
 * Strips `_orig_mod.` and `model.inner.` (or `inner.`) from official names.
 * Throws, listing them, for names outside the inner model.
 */
export function innerNames(tensors: Record<string, StoredTensor>): Record<string, StoredTensor> {
  const out: Record<string, StoredTensor> = {};
  const outside: string[] = [];
  for (const [full, t] of Object.entries(tensors)) {
    const name = full.replace(/^_orig_mod\./, "");
    const m = name.match(/^(?:model\.)?inner\.(.+)$/);
    if (m) out[m[1]!] = t;
    else outside.push(full);
  }
  if (outside.length) {
    throw new Error(
      `${outside.length} tensor(s) are not under model.inner. (not an official TRM state dict?): ${
        outside.slice(0, 8).join(", ")
      }${outside.length > 8 ? ", ..." : ""}`,
    );
  }
  return out;
}

/** Kit weights ([in, out]) to official names and layout ([out, in]), under `model.inner.`. */
export function kitToOfficial(
  weights: Record<string, StoredTensor>,
  cfg: ModelConfig,
): Record<string, StoredTensor> {
  const out: Record<string, StoredTensor> = {};
  const missing: string[] = [];
  for (const spec of exportedSpecs(cfg)) {
    const t = weights[spec.name];
    if (!t) {
      missing.push(spec.name);
      continue;
    }
    const inits = spec.name === "z_init" ? latentInitNames(cfg) : undefined;
    if (inits) {
      splitLatents(t, inits.length).forEach((part, i) => out[OFFICIAL_PREFIX + inits[i]!] = part);
      continue;
    }
    const slot = officialSlot(spec.name);
    out[OFFICIAL_PREFIX + slot.name] = slot.transpose ? transpose2d(t) : t;
  }
  if (missing.length) throw new Error(`kit weights missing: ${missing.join(", ")}`);
  return out;
}

/**
 * Official tensors (any accepted prefix) to kit weights for `cfg`. Every
 * problem is collected, then thrown in one error naming the offending
 * tensors: missing ones, unexpected ones, and shapes that do not fit `cfg`.
 */
export function officialToKit(
  tensors: Record<string, StoredTensor>,
  cfg: ModelConfig,
  source = "state dict",
): Record<string, StoredTensor> {
  const inner = innerNames(tensors);
  const out: Record<string, StoredTensor> = {};
  const problems: string[] = [];
  const used = new Set<string>();
  for (const spec of weightSpecs(cfg)) {
    if (spec.name === "puzzle_emb" && cfg.puzzlePrefix === 0) {
      // The official model without puzzle prefix has no table; the kit keeps an unused zero one.
      const size = spec.shape.reduce((a, b) => a * b, 1);
      out.puzzle_emb = { dtype: "F32", shape: spec.shape, data: new Float32Array(size) };
      if (inner["puzzle_emb.weights"]) used.add("puzzle_emb.weights");
      continue;
    }
    const inits = spec.name === "z_init" ? latentInitNames(cfg) : undefined;
    if (inits) {
      // Multi-scale z: the n official [D] inits, side by side.
      const d = cfg.hiddenSize;
      const data = new Float32Array(inits.length * d);
      const before = problems.length;
      inits.forEach((name, i) => {
        const t = inner[name];
        used.add(name);
        if (!t) problems.push(`${OFFICIAL_PREFIX}${name}: missing (expected [${d}])`);
        else if (t.dtype !== "F32") {
          problems.push(`${OFFICIAL_PREFIX}${name}: dtype ${t.dtype}, a float tensor expected`);
        } else if (!sameShape(t.shape, [d])) {
          problems.push(`${OFFICIAL_PREFIX}${name}: shape [${t.shape}], expected [${d}]`);
        } else data.set(t.data, i * d);
      });
      if (problems.length === before) out.z_init = { dtype: "F32", shape: spec.shape, data };
      continue;
    }
    const slot = officialSlot(spec.name);
    const t = inner[slot.name];
    used.add(slot.name);
    const expected = slot.transpose ? [...spec.shape].reverse() : spec.shape;
    if (!t) problems.push(`${OFFICIAL_PREFIX}${slot.name}: missing (expected [${expected}])`);
    else if (t.dtype !== "F32") {
      problems.push(`${OFFICIAL_PREFIX}${slot.name}: dtype ${t.dtype}, a float tensor expected`);
    } else if (!sameShape(t.shape, expected)) {
      problems.push(`${OFFICIAL_PREFIX}${slot.name}: shape [${t.shape}], expected [${expected}]`);
    } else out[spec.name] = slot.transpose ? transpose2d(t) : t;
  }
  for (const name of Object.keys(inner)) {
    if (used.has(name) || IGNORED.test(name)) continue;
    const why = name.startsWith("embed_pos.")
      ? "learned position embeddings are not supported by the kit"
      : /^L\d+_init$/.test(name) && cfg.latentMode !== "multiScale"
      ? `a trm_hier6 (multi-scale z) latent init: latentMode "multiScale" with n = ${HIER6_LATENTS}`
      : "not part of this model";
    problems.push(`${OFFICIAL_PREFIX}${name}: unexpected (${why})`);
  }
  if (problems.length) {
    throw new Error(`${source} does not fit the model config:\n  ${problems.join("\n  ")}`);
  }
  return out;
}

/** Official arch names (`config/arch/*.yaml` `name:`), which pick the model class. */
export const TRM_NAME = "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1";
export const HRM_NAME = "hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1";
/** Multi-scale z (paper Table 2): `config/arch/trm_hier6.yaml`. */
export const HIER6_NAME = "recursive_reasoning.trm_hier6@TinyRecursiveReasoningModel_ACTV1";

/**
 * The official architecture keys (`config/arch/trm.yaml`, `trm_hier6.yaml`,
 * `hrm_v1.yaml`) of a kit model config. Kit ablations that no official model
 * runs (single z, multi-scale z with n other than 6, TRM with separate
 * networks) are refused.
 */
export function officialArch(cfg: ModelConfig): Record<string, number | string | boolean> {
  const hrm = cfg.arch === "hrm";
  const hier6 = cfg.latentMode === "multiScale";
  const problems: string[] = [];
  if (cfg.latentMode === "single") problems.push(`latentMode "single"`);
  if (hier6 && cfg.latentSteps !== HIER6_LATENTS) {
    problems.push(`latentMode "multiScale" with n = ${cfg.latentSteps} (trm_hier6: n = 6)`);
  }
  if (hrm && hier6) problems.push(`HRM with latentMode "multiScale"`);
  if (!hrm && cfg.networks !== "shared") problems.push(`TRM with networks "${cfg.networks}"`);
  if (problems.length) {
    throw new Error(`no official model runs ${problems.join(" or ")}; cannot describe it`);
  }
  return {
    name: hrm ? HRM_NAME : hier6 ? HIER6_NAME : TRM_NAME,
    seq_len: cfg.seqLen,
    vocab_size: cfg.vocabSize,
    num_puzzle_identifiers: cfg.numPuzzleIds,
    puzzle_emb_ndim: cfg.puzzlePrefix > 0 ? cfg.hiddenSize : 0,
    puzzle_emb_len: cfg.puzzlePrefix,
    H_cycles: cfg.recursions,
    L_cycles: cfg.latentSteps,
    H_layers: hrm ? cfg.layers : 0,
    L_layers: cfg.layers,
    hidden_size: cfg.hiddenSize,
    expansion: cfg.expansion,
    num_heads: cfg.heads,
    pos_encodings: cfg.mixer === "attention" ? cfg.posEncoding : "none",
    mlp_t: cfg.mixer === "mlp",
    rms_norm_eps: cfg.rmsEps,
    rope_theta: cfg.ropeTheta,
    halt_max_steps: cfg.supervisionSteps,
    no_ACT_continue: !hrm,
  };
}

/**
 * A kit model config from official architecture keys; throws, listing them,
 * for settings the kit cannot run. Fields the official config lacks keep the
 * kit defaults.
 */
export function modelConfigFromOfficial(arch: Record<string, unknown>): ModelConfig {
  const num = (k: string, fallback?: number): number => {
    const v = arch[k] ?? fallback;
    if (typeof v !== "number") throw new Error(`official config: "${k}" missing or not a number`);
    return v;
  };
  const d = num("hidden_size");
  const ndim = num("puzzle_emb_ndim", 0);
  const problems: string[] = [];
  if (ndim > 0 && ndim !== d) {
    problems.push(
      `puzzle_emb_ndim ${ndim} differs from hidden_size ${d} (the kit uses one slot of D)`,
    );
  }
  const pos = String(arch.pos_encodings ?? "rope");
  const mlpT = arch.mlp_t === true;
  if (!mlpT && pos !== "rope" && pos !== "none") {
    problems.push(`pos_encodings "${pos}" (the kit has rope and none)`);
  }
  const hrm = arch.name === HRM_NAME;
  if (!hrm && arch.no_ACT_continue === false) {
    problems.push("TRM with no_ACT_continue false (that official branch does not run)");
  }
  const hier6 = arch.name === HIER6_NAME;
  if (hier6 && num("L_cycles") !== HIER6_LATENTS) {
    // trm_hier6.py sums six latents whatever L_cycles is; the kit's multiScale keeps n.
    problems.push(
      `trm_hier6 with L_cycles ${arch.L_cycles} (the kit's multi-scale z has n = L_cycles latents; trm_hier6 always 6)`,
    );
  }
  if (hrm && num("H_layers") !== num("L_layers")) {
    problems.push(`H_layers ${arch.H_layers} != L_layers ${arch.L_layers} (the kit has one depth)`);
  }
  if (problems.length) throw new Error(`not supported by the kit:\n  ${problems.join("\n  ")}`);
  const prefix = ndim > 0 ? (num("puzzle_emb_len", 0) || Math.ceil(ndim / d)) : 0;
  return {
    ...defaultModelConfig,
    ...(hrm
      ? { arch: "hrm", networks: "separate", gradient: "oneStep", halting: "qAct" } as const
      : {}),
    ...(hier6 ? { latentMode: "multiScale" } as const : {}),
    vocabSize: num("vocab_size"),
    seqLen: num("seq_len"),
    hiddenSize: d,
    heads: num("num_heads", defaultModelConfig.heads),
    expansion: num("expansion", defaultModelConfig.expansion),
    layers: num("L_layers"),
    mixer: mlpT ? "mlp" : "attention",
    posEncoding: mlpT ? "none" : pos as "rope" | "none",
    puzzlePrefix: prefix,
    numPuzzleIds: num("num_puzzle_identifiers", 1),
    latentSteps: num("L_cycles"),
    recursions: num("H_cycles"),
    supervisionSteps: num("halt_max_steps", defaultModelConfig.supervisionSteps),
    rmsEps: num("rms_norm_eps", defaultModelConfig.rmsEps),
    ropeTheta: num("rope_theta", defaultModelConfig.ropeTheta),
  };
}

/** What the tensor shapes of an official state dict fix about the model. */
export interface ShapeFacts {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  mixer: "mlp" | "attention";
  /** Rows of the puzzle table; absent when the model has none (no prefix). */
  numPuzzleIds?: number;
  /** prefix + seqLen, known from the token mixer's width (mlp mixer only). */
  totalLength?: number;
  /** HRM when the state dict has a second module (H_level). */
  arch: "trm" | "hrm";
  /** SwiGLU intermediate widths: channel MLP and (mlp mixer) token MLP. */
  channelWidth: number;
  tokenWidth?: number;
}

/** Reads the architecture off the shapes; throws naming what is missing or inconsistent. */
export function shapeFacts(tensors: Record<string, StoredTensor>): ShapeFacts {
  const inner = innerNames(tensors);
  const need = (name: string, rank: number): number[] => {
    const t = inner[name];
    if (!t) throw new Error(`${OFFICIAL_PREFIX}${name} is missing`);
    if (t.shape.length !== rank) {
      throw new Error(`${OFFICIAL_PREFIX}${name} has shape [${t.shape}], rank ${rank} expected`);
    }
    return t.shape;
  };
  const [vocabSize, hiddenSize] = need("embed_tokens.embedding_weight", 2) as [number, number];
  const indices = Object.keys(inner)
    .map((n) => n.match(/^L_level\.layers\.(\d+)\./)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  if (!indices.length) throw new Error(`no ${OFFICIAL_PREFIX}L_level.layers.* tensors`);
  const layers = Math.max(...indices) + 1;
  const mlp = "L_level.layers.0.mlp_t.gate_up_proj.weight" in inner;
  if (!mlp && !("L_level.layers.0.self_attn.qkv_proj.weight" in inner)) {
    throw new Error("layer 0 has neither mlp_t (token MLP) nor self_attn (attention) weights");
  }
  const [twoI] = need("L_level.layers.0.mlp.gate_up_proj.weight", 2) as [number, number];
  const hLayers = Object.keys(inner)
    .map((n) => n.match(/^H_level\.layers\.(\d+)\./)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  if (hLayers.length && Math.max(...hLayers) + 1 !== layers) {
    throw new Error(
      `H_level has ${Math.max(...hLayers) + 1} layers and L_level ${layers}; the kit has one depth`,
    );
  }
  const facts: ShapeFacts = {
    vocabSize,
    hiddenSize,
    layers,
    arch: hLayers.length ? "hrm" : "trm",
    mixer: mlp ? "mlp" : "attention",
    channelWidth: twoI / 2,
  };
  if (mlp) {
    const [twoT, l] = need("L_level.layers.0.mlp_t.gate_up_proj.weight", 2) as [number, number];
    facts.totalLength = l;
    facts.tokenWidth = twoT / 2;
  }
  if (inner["puzzle_emb.weights"]) facts.numPuzzleIds = need("puzzle_emb.weights", 2)[0];
  return facts;
}

/**
 * An expansion that gives the SwiGLU widths seen in the weights: `prefer` if
 * it fits, else the smallest multiple of 0.5 up to 16 that does. The kit
 * uses expansion only through these widths, so any fitting value is exact.
 */
export function expansionFor(
  facts: ShapeFacts,
  prefer = defaultModelConfig.expansion,
): number | undefined {
  const fits = (e: number) =>
    swigluWidth(facts.hiddenSize, e) === facts.channelWidth &&
    (facts.tokenWidth === undefined || swigluWidth(facts.totalLength!, e) === facts.tokenWidth);
  if (fits(prefer)) return prefer;
  for (let e = 0.5; e <= 16; e += 0.5) if (fits(e)) return e;
  return undefined;
}
