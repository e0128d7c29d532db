/**
 * An evaluation study, declared as data: one trained model, one held-out set,
 * and points that each spend test-time compute one way (deeper, K noisy
 * trajectories, K augmented starts). Training studies (lib/run/study.ts)
 * vary a config and train a run per point; these train nothing, so they get
 * a small type of their own. Every selection rule and halting threshold comes
 * from each point's one pass (lib/train/think_summary.ts), so the grid only
 * lists what needs a pass of its own.
 *
 * @module
 */
import type { ThinkOptions } from "../../train/think.ts";

/** One pass of the model: how deep, how many trajectories and how they differ. */
/**
 * One pass's trajectory settings are {@link ThinkOptions}' (depth defaults to
 * the trained depth, samples to 1, noise to 0, seed to 0); a point adds its
 * name and label.
 */
export interface ThinkingPoint
  extends Pick<ThinkOptions, "depth" | "samples" | "noise" | "noiseOn" | "start" | "seed"> {
  /** Short, file-safe: the record is results/thinking/<study>-<name>.json. */
  name: string;
  /** For tables and figures. */
  label: string;
}

/** A declared evaluation study (lib/studies/thinking/<name>.ts). */
export interface ThinkingStudy {
  name: string;
  title: string;
  /** Model folder (or checkpoint), relative to the repository root. */
  model: string;
  /**
   * The held-out set: data keys that describe it (built as `deno task eval`
   * builds it, less any training puzzle of the model), and how many of its
   * puzzles are evaluated.
   */
  heldOut: { data: Readonly<Record<string, string | number>>; puzzles: number };
  /** Threshold of the first-to-halt rule (training's is 0.5). */
  threshold: number;
  /** Thresholds of the halting head's accuracy-compute trade-off. */
  thresholds: readonly number[];
  points: readonly ThinkingPoint[];
}

/** A point with every setting resolved for a preset (depth still may default to the model's). */
export interface PlannedPoint extends Required<Omit<ThinkingPoint, "depth">> {
  id: string;
  depth?: number;
  puzzles: number;
}

/** What the smoke preset keeps of a study: a few puzzles, shallow, K ≤ 4 (tests and CI only). */
export const SMOKE = { puzzles: 16, depth: 8, samples: 4 } as const;

/**
 * The points of `study` at `preset`, checked: names unique and file-safe,
 * K and depth positive integers, σ ≥ 0. At `smoke` the sizes shrink.
 */
export function planThinking(study: ThinkingStudy, preset = "cpu"): PlannedPoint[] {
  const smoke = preset === "smoke";
  const seen = new Set<string>();
  if (!(Number.isInteger(study.heldOut.puzzles) && study.heldOut.puzzles > 0)) {
    throw new Error(`${study.name}: heldOut.puzzles must be a positive integer`);
  }
  return study.points.map((p) => {
    if (!/^[A-Za-z0-9._-]+$/.test(p.name) || seen.has(p.name)) {
      throw new Error(`${study.name}: point name "${p.name}" is not unique and file-safe`);
    }
    seen.add(p.name);
    const samples = p.samples ?? 1, noise = p.noise ?? 0;
    for (const [k, v] of [["samples", samples], ["depth", p.depth ?? 1]] as const) {
      if (!Number.isInteger(v) || v < 1) {
        throw new Error(`${study.name}/${p.name}: ${k} must be a positive integer, got ${v}`);
      }
    }
    if (!(noise >= 0)) throw new Error(`${study.name}/${p.name}: noise must be ≥ 0`);
    return {
      id: `${study.name}-${p.name}`,
      name: p.name,
      label: p.label,
      depth: smoke && p.depth ? Math.min(p.depth, SMOKE.depth) : p.depth,
      samples: smoke ? Math.min(samples, SMOKE.samples) : samples,
      noise,
      noiseOn: p.noiseOn ?? "z",
      start: p.start ?? "same",
      seed: p.seed ?? 0,
      puzzles: smoke ? Math.min(study.heldOut.puzzles, SMOKE.puzzles) : study.heldOut.puzzles,
    };
  });
}
