/**
 * The model's weights: their names, shapes, initialisation (reference
 * `models/common.py`, `layers.py`, `trm.py`) and count.
 *
 * Names follow the official modules (`embed_tokens`, `layers.0.mlp.gate_up_proj`,
 * `lm_head`, `q_head`, `H_init`/`L_init` as `y_init`/`z_init`); linear weights
 * are stored [in, out] (PyTorch stores [out, in]).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Prng } from "../util/prng.ts";
import { type ModelConfig, swigluWidth, totalLength } from "./config.ts";

/** Which optimiser (if any) updates a weight. */
export type WeightGroup = "dense" | "puzzle" | "buffer";

/** How a weight starts. */
export type Init =
  | { kind: "truncNormal"; std: number }
  | { kind: "constant"; value: number };

/** One named weight. */
export interface WeightSpec {
  name: string;
  shape: number[];
  group: WeightGroup;
  init: Init;
}

/** All weights by name. The forward pass reads them from here. */
export type Weights = Record<string, tf.Tensor>;

function lecun(name: string, fanIn: number, fanOut: number): WeightSpec {
  return {
    name,
    shape: [fanIn, fanOut],
    group: "dense",
    init: { kind: "truncNormal", std: 1 / Math.sqrt(fanIn) },
  };
}

/** The list of weights a config needs, in a fixed order. */
export function weightSpecs(cfg: ModelConfig): WeightSpec[] {
  const d = cfg.hiddenSize;
  const l = totalLength(cfg);
  const specs: WeightSpec[] = [
    {
      name: "embed_tokens",
      shape: [cfg.vocabSize, d],
      group: "dense",
      init: { kind: "truncNormal", std: 1 / Math.sqrt(d) },
    },
  ];
  // The shared net (f_L); with separate networks, or in HRM, a second one for y (f_H).
  const nets = cfg.networks === "separate" ? ["layers", "H_level.layers"] : ["layers"];
  for (let i = 0; i < cfg.layers * nets.length; i++) {
    const p = `${nets[Math.floor(i / cfg.layers)]}.${i % cfg.layers}`;
    if (cfg.mixer === "mlp") {
      // Token mixing: a SwiGLU whose width is the sequence length, shared over channels.
      const it = swigluWidth(l, cfg.expansion);
      specs.push(lecun(`${p}.mlp_t.gate_up_proj`, l, 2 * it), lecun(`${p}.mlp_t.down_proj`, it, l));
    } else {
      specs.push(lecun(`${p}.self_attn.qkv_proj`, d, 3 * d), lecun(`${p}.self_attn.o_proj`, d, d));
    }
    const ic = swigluWidth(d, cfg.expansion);
    specs.push(lecun(`${p}.mlp.gate_up_proj`, d, 2 * ic), lecun(`${p}.mlp.down_proj`, ic, d));
  }
  specs.push(
    lecun("lm_head", d, cfg.vocabSize),
    // Halting head starts silent: weight 0, bias -5, so sigmoid(q) ~ 0.007 and nothing halts early.
    { name: "q_head.weight", shape: [d, 2], group: "dense", init: { kind: "constant", value: 0 } },
    { name: "q_head.bias", shape: [2], group: "dense", init: { kind: "constant", value: -5 } },
    // Puzzle embedding table: zero at start, trained by sign-SGD, not counted in "5M parameters".
    {
      name: "puzzle_emb",
      shape: [cfg.numPuzzleIds, d],
      group: "puzzle",
      init: { kind: "constant", value: 0 },
    },
    // Fixed random initial answer and latent (H_init, L_init): buffers, never trained.
    { name: "y_init", shape: [d], group: "buffer", init: { kind: "truncNormal", std: 1 } },
    // Multi-scale z keeps n latents side by side, each with its own init.
    {
      name: "z_init",
      shape: [cfg.latentMode === "multiScale" ? cfg.latentSteps * d : d],
      group: "buffer",
      init: { kind: "truncNormal", std: 1 },
    },
  );
  return specs;
}

/** Std of N(0,1) truncated to ±2 is 0.8796; JAX-style init divides it out so the actual std is the one asked for. */
const TRUNC_STD_CORRECTION = 1 / 0.87962566103423978;

/** Creates every weight from its spec, drawing from `prng` in spec order. */
export function initWeights(cfg: ModelConfig, prng: Prng): Weights {
  const out: Weights = {};
  for (const s of weightSpecs(cfg)) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (s.init.kind === "constant") data.fill(s.init.value);
    else {
      const std = s.init.std * TRUNC_STD_CORRECTION;
      for (let i = 0; i < size; i++) data[i] = prng.truncatedNormal() * std;
    }
    out[s.name] = tf.tensor(data, s.shape, "float32");
  }
  return out;
}

/** Trainable parameters excluding the puzzle-embedding table, as the paper counts them. */
export function countParameters(cfg: ModelConfig): number {
  return weightSpecs(cfg)
    .filter((s) => s.group === "dense")
    .reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Names of the weights in one group. */
export function namesIn(cfg: ModelConfig, group: WeightGroup): string[] {
  return weightSpecs(cfg).filter((s) => s.group === group).map((s) => s.name);
}
