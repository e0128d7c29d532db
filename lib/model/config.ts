/**
 * The model's configuration: every architectural choice of TRM (and every
 * ablation of the paper that touches the network) is a field here.
 *
 * Paper symbols and the official repository's keys are given per field; the
 * official code calls the answer y `z_H` and the latent z `z_L`.
 *
 * @module
 */

/** How tokens exchange information inside a block. */
export type Mixer = "mlp" | "attention";

/**
 * The string choices of the model, one union each (style: no negated
 * booleans). Each ablation of the paper's Tables 1-3 is one of these values.
 */
export const MODEL_CHOICES = {
  mixer: ["mlp", "attention"],
  posEncoding: ["rope", "none"],
  arch: ["trm", "hrm"],
  halting: ["bce", "qAct", "none"],
  gradient: ["lastRecursion", "oneStep"],
  latentMode: ["pair", "single", "multiScale"],
  networks: ["shared", "separate"],
} as const;

/** TRM, or HRM (its predecessor: two modules at two frequencies, 1-step gradient). */
export type Arch = typeof MODEL_CHOICES.arch[number];
/**
 * `bce`: TRM, one halting logit trained to predict "answer exact" (BCE);
 * `qAct`: HRM's ACT, a second Q-continue logit trained on an extra forward pass;
 * `none`: no halting loss, every example gets all N_sup steps.
 */
export type Halting = typeof MODEL_CHOICES.halting[number];
/**
 * `lastRecursion`: backprop through the whole last recursion (n+1 net calls, TRM);
 * `oneStep`: only through the last latent and last answer update (HRM's 1-step approximation).
 */
export type Gradient = typeof MODEL_CHOICES.gradient[number];
/**
 * `pair`: answer y and latent z (TRM); `single`: one feature z, read out directly
 * (paper Table 2 "single z"); `multiScale`: n latents z_1..z_n plus y (n+1 features).
 */
export type LatentMode = typeof MODEL_CHOICES.latentMode[number];
/** `shared`: one net for both updates (TRM); `separate`: f_L for z and f_H for y (HRM style). */
export type Networks = typeof MODEL_CHOICES.networks[number];

/** Architecture of the tiny network and its recursion. */
export interface ModelConfig {
  /** Tokens in the vocabulary, PAD included (Sudoku 9x9: 11). Set from the data. */
  vocabSize: number;
  /** Tokens per puzzle, without the puzzle prefix (Sudoku 9x9: 81). Set from the data. */
  seqLen: number;
  /** D, `hidden_size` (paper: 512). */
  hiddenSize: number;
  /** Attention heads, `num_heads` (paper: 8); only used by the attention mixer. */
  heads: number;
  /** SwiGLU expansion, `expansion` (paper: 4). */
  expansion: number;
  /** Blocks in the one shared network, `L_layers` (paper: 2). */
  layers: number;
  /** `mlp`: SwiGLU over the sequence axis (`mlp_t=True`, Sudoku); `attention`: non-causal self-attention. */
  mixer: Mixer;
  /** Rotary position encoding for attention (`pos_encodings: rope`); `none` as in Sudoku-MLP. */
  posEncoding: "rope" | "none";
  /** Prefix positions reserved for the puzzle embedding, `puzzle_emb_len` (paper: 16). */
  puzzlePrefix: number;
  /** Rows of the puzzle-embedding table, `num_puzzle_identifiers` (Sudoku: 1). */
  numPuzzleIds: number;
  /** n, latent updates per recursion, `L_cycles` (paper: 6). */
  latentSteps: number;
  /** T, recursions per supervision step, the first T-1 without gradient, `H_cycles` (paper: 3). */
  recursions: number;
  /** N_sup, the most supervision steps per example, `halt_max_steps` (paper: 16). */
  supervisionSteps: number;
  /** TRM or HRM; HRM implies separate networks and the 1-step gradient. */
  arch: Arch;
  /** Halting head and its loss (paper Table 1 "w/ ACT"; `none` = always N_sup steps). */
  halting: Halting;
  /** Which updates of the last recursion are differentiated (Table 1 "w/ 1-step gradient"). */
  gradient: Gradient;
  /** Which features are carried between updates (Table 2). */
  latentMode: LatentMode;
  /** One shared network, or separate ones for the z and y updates (Table 1 "w/ separate fH, fL"). */
  networks: Networks;
  /** RMSNorm epsilon, `rms_norm_eps`. */
  rmsEps: number;
  /** RoPE base, `rope_theta`. */
  ropeTheta: number;
}

/** Defaults: the paper's TRM-MLP for Sudoku-Extreme (5.0M parameters). */
export const defaultModelConfig: ModelConfig = {
  vocabSize: 11,
  seqLen: 81,
  hiddenSize: 512,
  heads: 8,
  expansion: 4,
  layers: 2,
  mixer: "mlp",
  posEncoding: "none",
  puzzlePrefix: 16,
  numPuzzleIds: 1,
  latentSteps: 6,
  recursions: 3,
  supervisionSteps: 16,
  arch: "trm",
  halting: "bce",
  gradient: "lastRecursion",
  latentMode: "pair",
  networks: "shared",
  rmsEps: 1e-5,
  ropeTheta: 10000,
};

/** Sequence length seen by the network: prefix + puzzle tokens (Sudoku: 16 + 81 = 97). */
export function totalLength(cfg: ModelConfig): number {
  return cfg.puzzlePrefix + cfg.seqLen;
}

/**
 * SwiGLU intermediate width: round(expansion * width * 2/3), rounded up to a
 * multiple of 256, as the reference's `_find_multiple` (D=512 -> 1536, L=97 -> 512).
 */
export function swigluWidth(width: number, expansion: number): number {
  return Math.ceil(Math.round(expansion * width * 2 / 3) / 256) * 256;
}

/** Cross-field checks; returns the problems found (empty when the config is sound). */
export function modelProblems(cfg: ModelConfig): string[] {
  const out: string[] = [];
  const positive: (keyof ModelConfig)[] = [
    "vocabSize",
    "seqLen",
    "hiddenSize",
    "heads",
    "expansion",
    "layers",
    "numPuzzleIds",
    "latentSteps",
    "recursions",
    "supervisionSteps",
  ];
  for (const k of positive) {
    const v = cfg[k] as number;
    if (!(v > 0)) out.push(`${k} must be positive, got ${v}`);
  }
  for (
    const k of [
      "hiddenSize",
      "heads",
      "layers",
      "latentSteps",
      "recursions",
      "supervisionSteps",
      "puzzlePrefix",
    ] as const
  ) {
    if (!Number.isInteger(cfg[k])) out.push(`${k} must be an integer, got ${cfg[k]}`);
  }
  if (cfg.puzzlePrefix < 0) out.push(`puzzlePrefix must not be negative, got ${cfg.puzzlePrefix}`);
  if (cfg.mixer === "attention" && cfg.hiddenSize % cfg.heads !== 0) {
    out.push(`heads (${cfg.heads}) must divide hiddenSize (${cfg.hiddenSize})`);
  }
  if (
    cfg.posEncoding === "rope" && cfg.mixer === "attention" &&
    (cfg.hiddenSize / cfg.heads) % 2 !== 0
  ) {
    out.push(`rope needs an even head size, got hiddenSize/heads = ${cfg.hiddenSize / cfg.heads}`);
  }
  if (cfg.arch === "hrm") {
    if (cfg.networks !== "separate") {
      out.push(`arch "hrm" has two modules: set networks "separate"`);
    }
    if (cfg.gradient !== "oneStep") {
      out.push(`arch "hrm" trains with the 1-step gradient: set gradient "oneStep"`);
    }
    if (cfg.latentMode !== "pair") {
      out.push(`arch "hrm" carries z_H and z_L: set latentMode "pair"`);
    }
  }
  if (cfg.halting === "qAct" && cfg.supervisionSteps < 2) {
    out.push(`halting "qAct" needs supervisionSteps > 1, got ${cfg.supervisionSteps}`);
  }
  if (cfg.latentMode === "single" && cfg.networks === "separate") {
    out.push(`latentMode "single" has no answer update, so networks must be "shared"`);
  }
  return out;
}

/** Effective depth of one supervision step as the paper counts it: T (n + 1) layers. */
export function effectiveDepth(
  cfg: Pick<ModelConfig, "recursions" | "latentSteps" | "layers">,
): number {
  return cfg.recursions * (cfg.latentSteps + 1) * cfg.layers;
}
