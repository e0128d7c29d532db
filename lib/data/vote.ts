/**
 * ARC evaluation as in the reference (`evaluators/arc.py`): each augmented
 * version of a test input is predicted, the prediction is cropped and mapped
 * back through the inverse augmentation, and the versions vote. Candidates
 * rank by votes, then by their mean halting confidence sigmoid(q_halt);
 * pass@k holds when the right grid is among the first k. A task scores the
 * fraction of its test inputs passed, averaged over tasks.
 *
 * Pure functions: the model's part (running the versions) is in
 * `train/arc_eval.ts`.
 *
 * @module
 */
import { cropArcGrid } from "./arc.ts";
import {
  type Grid,
  type GridAugmentation,
  gridKey,
  gridsEqual,
  invertGridAugmentation,
} from "./augment.ts";

/** A predicted canvas, cropped and brought back to the original task's frame. */
export function invertPrediction(
  tokens: ArrayLike<number>,
  augmentation: GridAugmentation,
  canvas: number,
): Grid {
  return invertGridAugmentation(cropArcGrid(tokens, { canvas }), augmentation);
}

/** One version's vote: the answer (in the original frame) and sigmoid(q_halt). */
export interface Vote {
  grid: Grid;
  haltProb: number;
}

/** A distinct answer with its vote count and mean halting confidence. */
export interface Candidate {
  grid: Grid;
  votes: number;
  meanHalt: number;
}

/** Groups identical answers and ranks them: most votes first, then highest mean confidence. */
export function rankVotes(votes: readonly Vote[]): Candidate[] {
  const byKey = new Map<string, { grid: Grid; votes: number; haltSum: number }>();
  for (const v of votes) {
    const key = gridKey(v.grid);
    const c = byKey.get(key) ?? { grid: v.grid, votes: 0, haltSum: 0 };
    c.votes += 1;
    c.haltSum += v.haltProb;
    byKey.set(key, c);
  }
  return [...byKey.values()]
    .map((c) => ({ grid: c.grid, votes: c.votes, meanHalt: c.haltSum / c.votes }))
    .sort((a, b) => b.votes - a.votes || b.meanHalt - a.meanHalt);
}

/** True when `truth` is among the first `k` candidates. */
export function passAtK(ranked: readonly Candidate[], truth: Grid, k: number): boolean {
  return ranked.slice(0, k).some((c) => gridsEqual(c.grid, truth));
}

/** One test input of one task, its ranked candidates and the right answer. */
export interface RankedTestInput {
  task: string;
  ranked: Candidate[];
  truth: Grid;
}

/** pass@k per task (mean over its test inputs), averaged over tasks. */
export interface ArcScore {
  tasks: number;
  testInputs: number;
  /** passAt[k]: the score at k tries, for each k asked for. */
  passAt: Record<number, number>;
  /** Per task, the fraction of its test inputs passed at each k. */
  perTask: Record<string, Record<number, number>>;
}

/** Scores ranked test inputs at each k (the reference reports 1, 2, 5, 10, 100, 1000; pass@2 is the headline). */
export function scoreArc(
  items: readonly RankedTestInput[],
  ks: readonly number[] = [1, 2],
): ArcScore {
  const perTask: Record<string, Record<number, number>> = {};
  const counts: Record<string, number> = {};
  for (const it of items) {
    const t = (perTask[it.task] ??= Object.fromEntries(ks.map((k) => [k, 0])));
    counts[it.task] = (counts[it.task] ?? 0) + 1;
    for (const k of ks) if (passAtK(it.ranked, it.truth, k)) t[k]! += 1;
  }
  const names = Object.keys(perTask);
  for (const name of names) for (const k of ks) perTask[name]![k]! /= counts[name]!;
  const passAt = Object.fromEntries(
    ks.map((k) => [k, names.reduce((s, n) => s + perTask[n]![k]!, 0) / Math.max(1, names.length)]),
  );
  return { tasks: names.length, testInputs: items.length, passAt, perTask };
}
