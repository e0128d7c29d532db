/**
 * The shapes `deno task bench` times: the default set, `--grid`, and
 * `--shapes mixer:hidden:batch,...` (with the `study` and `default` groups),
 * and the config the kit runs each at.
 *
 * @module
 */
import { type Config, resolveConfig, scarce } from "@kit/run/mod.ts";

/**
 * One benchmarked shape. `base` says where everything else comes from:
 * `anchor` (the default) is the PyTorch anchor's 9x9 Sudoku step (seq 81, no
 * prefix, n=6, T=3, 2 layers); `study` is the step the studies train (the
 * `scarce` regime on the `cpu` preset: 6x6 Sudoku, seq 36 + a 4-token puzzle
 * prefix, n=4, T=2, N_sup=8, 4 heads, rotary positions with attention).
 */
export interface BenchShape {
  mixer: "mlp" | "attention";
  hidden: number;
  batch: number;
  base?: "anchor" | "study";
}

/** The studies' shapes: hidden 64, batch 64, both mixers (the mixer study compares them). */
export const STUDY_SHAPES: readonly BenchShape[] = [
  { mixer: "mlp", hidden: 64, batch: 64, base: "study" },
  { mixer: "attention", hidden: 64, batch: 64, base: "study" },
];

/**
 * The default shapes: each hidden size with both mixers, the anchor shape also
 * at a small batch, and batches that shrink as the width grows, so each step
 * costs about the same (a few seconds on 2 cores) and the set finishes in
 * minutes; then the studies' shapes (a fraction of a second a step).
 */
export const DEFAULT_SHAPES: readonly BenchShape[] = [
  { mixer: "mlp", hidden: 128, batch: 32 },
  { mixer: "mlp", hidden: 128, batch: 8 },
  { mixer: "attention", hidden: 128, batch: 32 },
  { mixer: "mlp", hidden: 256, batch: 16 },
  { mixer: "attention", hidden: 256, batch: 16 },
  { mixer: "mlp", hidden: 512, batch: 4 },
  { mixer: "attention", hidden: 512, batch: 4 },
  ...STUDY_SHAPES,
];

/** `--profile`'s shapes unless `--shapes` says otherwise: the anchor and the MLP study shape. */
export const PROFILE_SHAPES: readonly BenchShape[] = [DEFAULT_SHAPES[0]!, STUDY_SHAPES[0]!];

/** `--grid`: every mixer x hidden {128, 256, 512} x batch {8, 16, 32} (long: about an hour on 2 cores). */
export function gridShapes(): BenchShape[] {
  const out: BenchShape[] = [];
  for (const mixer of ["mlp", "attention"] as const) {
    for (const hidden of [128, 256, 512]) {
      for (const batch of [8, 16, 32]) out.push({ mixer, hidden, batch });
    }
  }
  return out;
}

/**
 * Parses `--shapes`: comma-separated items, each `mixer:hidden:batch` (at the
 * anchor's step), `study:mixer:hidden:batch` (at the studies' step), or a
 * group: `study` (both study shapes) or `default` (the default set), e.g.
 * `mlp:128:32,study,study:mlp:64:8` (`attn` is accepted for attention).
 */
export function parseShapes(text: string): BenchShape[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (!items.length) throw new Error(`--shapes: no shape given in "${text}"`);
  return items.flatMap((item): BenchShape[] => {
    if (item === "study") return [...STUDY_SHAPES];
    if (item === "default") return [...DEFAULT_SHAPES];
    const parts = item.split(":");
    const study = parts[0] === "study";
    const [mixerText, hiddenText, batchText, ...rest] = study ? parts.slice(1) : parts;
    const mixer = mixerText === "attn" ? "attention" : mixerText;
    const hidden = Number(hiddenText), batch = Number(batchText);
    if (
      rest.length || (mixer !== "mlp" && mixer !== "attention") ||
      !(Number.isInteger(hidden) && hidden > 0) || !(Number.isInteger(batch) && batch > 0)
    ) {
      throw new Error(
        `--shapes: "${item}" is not [study:]mixer:hidden:batch (mixer mlp or attention, positive integers), ` +
          "study or default, e.g. mlp:128:32",
      );
    }
    return [study ? { mixer, hidden, batch, base: "study" } : { mixer, hidden, batch }];
  });
}

/** A shape in a few words, e.g. "mlp 128 b32" or "study mlp 64 b64". */
export function shapeLabel(s: BenchShape): string {
  return `${s.base === "study" ? "study " : ""}${s.mixer} ${s.hidden} b${s.batch}`;
}

/** The anchor's model (../shared/bench/trm_torch.py defaults but hidden 128 and batch 32). */
export const ANCHOR = {
  hiddenSize: 128,
  batchSize: 32,
  latentSteps: 6,
  recursions: 3,
  mixer: "mlp",
  layers: 2,
};

/**
 * The config the kit runs a shape at: the anchor's step (AdamW, softmax
 * cross-entropy, no EMA, no warm-up) on the shape's base. Anchor shapes have
 * no puzzle prefix (the anchor has none); study shapes keep the studies' prefix,
 * and the anchor runs them at the same sequence length (prefix + puzzle).
 * `overrides` (the command line's) apply to both, the shape's own fields last.
 */
export function shapeConfig(shape: BenchShape, overrides: Record<string, string> = {}): Config {
  const step = {
    optimizer: "adamw",
    loss: "softmax",
    ema: false,
    warmupSteps: 0,
    haltExploration: 0,
  };
  const own = { hiddenSize: shape.hidden, batchSize: shape.batch, mixer: shape.mixer };
  if (shape.base === "study") {
    // The mixer study's attention point runs with rotary positions (lib/studies/mixer.ts).
    const pos = { posEncoding: shape.mixer === "attention" ? "rope" : "none" };
    return resolveConfig(scarce.preset, { ...scarce.set, ...step, ...pos, ...overrides, ...own });
  }
  return resolveConfig("paper", { ...ANCHOR, puzzlePrefix: 0, ...step, ...overrides, ...own });
}
