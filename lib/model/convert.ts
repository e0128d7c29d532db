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
 * The architecture (arch names, yaml keys, what shapes fix) is in
 * `convert_arch.ts`.
 *
 * @module
 */
import type { StoredTensor } from "../util/safetensors.ts";
import { type ModelConfig } from "./config.ts";
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
