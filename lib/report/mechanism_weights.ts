/**
 * Weights compared with weights: how far training moved each network from
 * its start and how far two networks end up apart (separate f_L and f_H),
 * and how the EMA shadow trails the raw weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Weights } from "../model/mod.ts";
import { Ema } from "../train/mod.ts";
import { Prng } from "../util/prng.ts";
import { base, type Figure } from "./_spec.ts";

/** ||a - b|| / ||b|| for one pair of tensors. */
async function relative(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const r = tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.add(tf.norm(b), 1e-12)));
  const v = (await r.data())[0]!;
  r.dispose();
  return v;
}

/** Relative distance ||a - b|| / ||b|| of every weight the two share whose name passes `keep`. */
export async function weightDistance(
  a: Weights,
  b: Weights,
  keep: (name: string) => boolean = () => true,
): Promise<{ weight: string; distance: number }[]> {
  const out = [];
  for (const name of Object.keys(b).filter((n) => a[n] && keep(n))) {
    out.push({ weight: name, distance: await relative(a[name]!, b[name]!) });
  }
  return out;
}

/** One weight of a block in f_L and in f_H: each one's move from its start, and their gap. */
export interface DriftRow {
  /** Block weight, e.g. "0.mlp.down_proj" (layer 0). */
  weight: string;
  /** ||W - W_init|| / ||W_init|| for f_L ("layers.*") and f_H ("H_level.layers.*"). */
  movedL: number;
  movedH: number;
  /** ||W_H - W_L|| / ||W_L|| at the start and after training. */
  gapInit: number;
  gapTrained: number;
}

/** The drift of every block weight of a model with separate networks. */
export async function networkDrift(trained: Weights, init: Weights): Promise<DriftRow[]> {
  const names = Object.keys(trained).filter((n) => n.startsWith("layers."));
  if (!names.some((n) => trained[`H_level.${n}`])) {
    throw new Error(`networkDrift needs separate networks (f_H weights "H_level.layers.*")`);
  }
  const rows: DriftRow[] = [];
  for (const n of names) {
    const h = `H_level.${n}`;
    rows.push({
      weight: n.replace("layers.", ""),
      movedL: await relative(trained[n]!, init[n]!),
      movedH: await relative(trained[h]!, init[h]!),
      gapInit: await relative(init[h]!, init[n]!),
      gapTrained: await relative(trained[h]!, trained[n]!),
    });
  }
  return rows;
}

/** Bars per block weight: how far f_L and f_H each moved from their start. */
export function driftFigure(rows: DriftRow[]): Figure {
  const values = rows.flatMap((r) => [
    { weight: r.weight, net: "f_L (updates z)", moved: r.movedL },
    { weight: r.weight, net: "f_H (updates y)", moved: r.movedH },
  ]);
  return {
    ...base("How far training moved each network", "||W − W_init|| / ||W_init|| per block weight"),
    data: { values },
    width: 360,
    height: { step: 10 },
    mark: "bar",
    encoding: {
      y: { field: "weight", type: "nominal", title: null },
      yOffset: { field: "net" },
      x: { field: "moved", type: "quantitative", title: "relative move" },
      color: { field: "net", type: "nominal", title: "network" },
    },
  } as unknown as Figure;
}

/**
 * The kit's Ema class on one noisy weight: a parameter that jitters around a
 * slowly moving value (as SGD noise does) and its shadow at `rate`.
 */
export function emaDemo(rate: number, steps = 300, seed = 0): Figure {
  const prng = new Prng(seed);
  const target = (t: number) => Math.tanh((t - steps / 3) / (steps / 6));
  // The shadow starts as a copy of the weight, as in training.
  const p = tf.variable(tf.scalar(target(0))), ema = new Ema({ p }, rate);
  const values: { step: number; series: string; value: number }[] = [];
  for (let t = 1; t <= steps; t++) {
    p.assign(tf.scalar(target(t) + 0.4 * (prng.next() - 0.5) * 2));
    ema.update({ p });
    values.push({ step: t, series: "raw weight", value: p.dataSync()[0]! });
    values.push({ step: t, series: `EMA, rate ${rate}`, value: ema.shadow.p!.dataSync()[0]! });
  }
  p.dispose();
  ema.dispose();
  return {
    ...base(
      `EMA: shadow ← ${rate}·shadow + ${+(1 - rate).toFixed(4)}·weight`,
      `averages over about ${Math.round(1 / (1 - rate))} steps: less noise, some lag`,
    ),
    data: { values },
    width: 400,
    height: 200,
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "optimiser step" },
      y: { field: "value", type: "quantitative", title: "weight value" },
      color: { field: "series", type: "nominal", title: null },
    },
  } as unknown as Figure;
}
