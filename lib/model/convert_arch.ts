/**
 * Architecture interchange with the official PyTorch TRM: the official arch
 * names and `config/arch/*.yaml` keys of a kit model config and back, and
 * what the tensor shapes of an official state dict fix about the model (pure
 * data, no tfjs). The weights' names and layout are in `convert.ts`.
 *
 * @module
 */
import type { StoredTensor } from "../util/safetensors.ts";
import { defaultModelConfig, type ModelConfig, swigluWidth } from "./config.ts";
import { HIER6_LATENTS, innerNames, OFFICIAL_PREFIX } from "./convert.ts";

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
