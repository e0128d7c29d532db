/**
 * The token mixer, opened up: what its parameters cost against attention's,
 * and how the MLP mixer's weights route information between puzzle
 * positions (TRM-MLP, paper §4.5: on a fixed small grid a learned
 * position-to-position map replaces self-attention).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ModelConfig, totalLength, type Weights, weightSpecs } from "../model/mod.ts";
import { base, type Figure } from "./_spec.ts";
import type { ReportTable } from "./tables.ts";

/** Parameters of each block part, per layer, for the mlp and attention mixers at `cfg`'s sizes. */
export function mixerParameters(cfg: ModelConfig): ReportTable {
  const parts = (mixer: "mlp" | "attention") => {
    const specs = weightSpecs({ ...cfg, mixer, networks: "shared" })
      .filter((s) => s.name.startsWith("layers.0."));
    return specs.map((s) => ({
      mixer,
      weight: s.name.replace("layers.0.", ""),
      shape: s.shape.join(" x "),
      count: s.shape.reduce((a, b) => a * b, 1),
    }));
  };
  const rows = [...parts("mlp"), ...parts("attention")];
  const mixing = (m: string) =>
    rows.filter((r) => r.mixer === m && !r.weight.startsWith("mlp.")).reduce(
      (n, r) => n + r.count,
      0,
    );
  return {
    name: "mixer-parameters",
    title: "One block's weights: token mixer (MLP over positions, or attention) and channel MLP",
    caption: `L = ${totalLength(cfg)} positions, D = ${cfg.hiddenSize}. Token mixing per layer: ` +
      `${mixing("mlp")} weights (mlp_t) against ${mixing("attention")} (self_attn); ` +
      `the channel MLP (mlp.*) is the same in both.`,
    columns: [
      { key: "mixer", label: "mixer", align: "left" },
      { key: "weight", label: "weight", align: "left" },
      { key: "shape", label: "shape", align: "left" },
      { key: "count", label: "parameters", align: "right" },
    ],
    rows: rows.map((r) => ({ ...r, count: r.count.toLocaleString("en-US") })),
    data: rows,
  };
}

/**
 * The MLP mixer's linear path between positions in layer `layer`:
 * W_up · W_down, [L, L] (the SwiGLU gate left out). Entry (i, j) says how
 * strongly position i feeds position j.
 */
export async function tokenMixing(w: Weights, cfg: ModelConfig, layer = 0): Promise<number[][]> {
  const gateUp = w[`layers.${layer}.mlp_t.gate_up_proj`],
    down = w[`layers.${layer}.mlp_t.down_proj`];
  if (!gateUp || !down) {
    throw new Error(`no MLP token mixer in layer ${layer} (mixer "${cfg.mixer}")`);
  }
  const m = tf.tidy(() => {
    const [, up] = tf.split(gateUp, 2, 1);
    return tf.matMul(up!, down);
  });
  const out = (await m.array()) as number[][];
  m.dispose();
  return out;
}

/** Position names: the puzzle prefix slots, then the cells row by row. */
function positionNames(cfg: ModelConfig): string[] {
  const side = Math.round(Math.sqrt(cfg.seqLen));
  return [
    ...Array.from({ length: cfg.puzzlePrefix }, (_, i) => `p${i}`),
    ...Array.from(
      { length: cfg.seqLen },
      (_, i) => `r${Math.floor(i / side) + 1}c${(i % side) + 1}`,
    ),
  ];
}

/**
 * Heatmaps of {@link tokenMixing} matrices side by side, one per label (e.g.
 * at init and trained); with `change`, a last panel of the last minus the
 * first on its own colour scale (a short run moves the weights little).
 */
export function mixingHeatmap(
  matrices: Record<string, number[][]>,
  cfg: ModelConfig,
  opts: { change?: boolean } = {},
): Figure {
  const mats = { ...matrices };
  const list = Object.values(matrices);
  if (opts.change && list.length > 1) {
    const [a, b] = [list[0]!, list.at(-1)!];
    mats["change"] = b.map((row, i) => row.map((v, j) => v - a[i]![j]!));
  }
  const names = positionNames(cfg);
  const values = Object.entries(mats).flatMap(([panel, m]) =>
    m.flatMap((row, i) => row.map((v, j) => ({ panel, from: names[i], to: names[j], v })))
  );
  const max = (panel?: string) =>
    Math.max(...values.filter((d) => d.panel === panel).map((d) => Math.abs(d.v)), 1e-9);
  const shared = Math.max(...Object.keys(matrices).map(max));
  const axis = { type: "ordinal", sort: names, axis: { labelFontSize: 7 } };
  const panel = (name: string) => {
    const m = name in matrices ? shared : max(name);
    return {
      title: name,
      transform: [{ filter: { field: "panel", equal: name } }],
      width: { step: 9 },
      height: { step: 9 },
      mark: "rect",
      encoding: {
        x: { field: "to", title: "to position", ...axis },
        y: { field: "from", title: "from position", ...axis },
        color: {
          field: "v",
          type: "quantitative",
          title: name in matrices ? "weight" : "change",
          scale: { scheme: "redblue", domain: [-m, m] },
        },
      },
    };
  };
  return {
    ...base(
      "Token mixing: how each position feeds each other (W_up · W_down)",
      "blue: positive, red: negative",
    ),
    data: { values },
    hconcat: Object.keys(mats).map(panel),
    resolve: { scale: { color: "independent" } },
  } as unknown as Figure;
}
