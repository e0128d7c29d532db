/**
 * A {@link ThinkRecord} summarised: accuracy after every supervision step,
 * the halting head's accuracy-compute trade-off over a list of thresholds,
 * each selection rule at K = 1, 2, 4, ..., and the puzzles that thinking
 * longer fixes. Arithmetic on the record only: no second run of the model.
 *
 * Compute is counted in net calls per puzzle: a supervision step of one
 * trajectory is T·(n+1) calls of the tiny network, and K trajectories cost K
 * times as much.
 *
 * @module
 */
import type { ThinkRecord } from "./think.ts";
import {
  at,
  availableRules,
  haltLogit,
  type RuleScore,
  scoreRule,
  type SelectRule,
} from "./think_select.ts";

/** Accuracy of the plain trajectory after a number of steps. */
export interface DepthPoint {
  step: number;
  exact: number;
  cell: number;
  calls: number;
}

/** Exact and cell accuracy of trajectory 0 after every step 1..D. */
export function depthCurve(rec: ThinkRecord): DepthPoint[] {
  const n = Math.max(1, rec.puzzles);
  const cells = Math.max(1, rec.cells.reduce((a, b) => a + b, 0));
  return Array.from({ length: rec.depth }, (_, t) => {
    let exact = 0, right = 0;
    for (let p = 0; p < rec.puzzles; p++) {
      exact += rec.exact[at(rec, p, 0, t)]!;
      right += rec.correct[at(rec, p, 0, t)]!;
    }
    return {
      step: t + 1,
      exact: exact / n,
      cell: right / cells,
      calls: (t + 1) * rec.callsPerStep,
    };
  });
}

/** The halting head at one threshold: each puzzle stops at the first step that passes it. */
export interface HaltPoint {
  threshold: number;
  /** Mean supervision steps used (the depth for puzzles that never pass). */
  steps: number;
  exact: number;
  cell: number;
  calls: number;
}

/** The accuracy-compute trade-off of the halting head (trajectory 0), one point per threshold. */
export function haltingCurve(rec: ThinkRecord, thresholds: readonly number[]): HaltPoint[] {
  const n = Math.max(1, rec.puzzles);
  const cells = Math.max(1, rec.cells.reduce((a, b) => a + b, 0));
  return thresholds.map((threshold) => {
    const limit = haltLogit(threshold);
    let steps = 0, exact = 0, right = 0;
    for (let p = 0; p < rec.puzzles; p++) {
      let t = 0;
      while (t < rec.depth - 1 && !(rec.qHalt[at(rec, p, 0, t)]! > limit)) t++;
      steps += t + 1;
      exact += rec.exact[at(rec, p, 0, t)]!;
      right += rec.correct[at(rec, p, 0, t)]!;
    }
    return {
      threshold,
      steps: steps / n,
      exact: exact / n,
      cell: right / cells,
      calls: (steps / n) * rec.callsPerStep,
    };
  });
}

/** 1, 2, 4, ... up to K, and K itself: the sample counts a K-curve shows. */
export function sampleCounts(k: number): number[] {
  const out: number[] = [];
  for (let j = 1; j < k; j *= 2) out.push(j);
  return [...out, k];
}

/** What `deno task eval` prints and notebooks plot: one record, summarised. */
export interface ThinkSummary {
  puzzles: number;
  samples: number;
  depth: number;
  trainedDepth: number;
  callsPerStep: number;
  threshold: number;
  byStep: DepthPoint[];
  halting: HaltPoint[];
  /** Each rule with all K trajectories. */
  rules: RuleScore[];
  /** Each rule with the first 1, 2, 4, ..., K trajectories. */
  bySamples: RuleScore[];
}

/** Default thresholds of the halting trade-off. */
export const DEFAULT_THRESHOLDS = [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99];

/** Summarises a record for the given rules (default every available one). */
export function summarizeThinking(
  rec: ThinkRecord,
  opts: { threshold?: number; thresholds?: readonly number[]; rules?: readonly SelectRule[] } = {},
): ThinkSummary {
  const threshold = opts.threshold ?? 0.5;
  const rules = opts.rules ?? availableRules(rec);
  return {
    puzzles: rec.puzzles,
    samples: rec.samples,
    depth: rec.depth,
    trainedDepth: rec.trainedDepth,
    callsPerStep: rec.callsPerStep,
    threshold,
    byStep: depthCurve(rec),
    halting: haltingCurve(rec, opts.thresholds ?? DEFAULT_THRESHOLDS),
    rules: rules.map((r) => scoreRule(rec, r, { threshold })),
    bySamples: rules.flatMap((r) =>
      sampleCounts(rec.samples).map((k) => scoreRule(rec, r, { threshold, samples: k }))
    ),
  };
}

/** A puzzle plain evaluation gets wrong at the trained depth, and what fixes it. */
export interface Rescue {
  puzzle: number;
  /** Trajectory 0 is right after the last step of the record. */
  deeper: boolean;
  /** Then, the first step after the trained depth at which it is right. */
  rightAt?: number;
  /** Trajectories (1..K-1) right after the last step. */
  samples: number[];
}

/** The puzzles wrong at the trained depth (trajectory 0) that more steps or another trajectory get right. */
export function rescues(rec: ThinkRecord): Rescue[] {
  const trained = Math.min(rec.trainedDepth, rec.depth) - 1, last = rec.depth - 1;
  const out: Rescue[] = [];
  for (let p = 0; p < rec.puzzles; p++) {
    if (rec.exact[at(rec, p, 0, trained)]) continue;
    const samples = [];
    for (let k = 1; k < rec.samples; k++) if (rec.exact[at(rec, p, k, last)]) samples.push(k);
    const deeper = rec.depth > rec.trainedDepth && rec.exact[at(rec, p, 0, last)] === 1;
    if (deeper) {
      let t = trained + 1;
      while (!rec.exact[at(rec, p, 0, t)]) t++;
      out.push({ puzzle: p, deeper, rightAt: t + 1, samples });
    } else if (samples.length) out.push({ puzzle: p, deeper, samples });
  }
  return out;
}
