/**
 * The record of one point of a thinking-longer study (lib/studies/thinking/):
 * what was evaluated (settings, model, held-out set, code version) and its
 * {@link ThinkSummary}, plus a few puzzles to draw. It is written as
 * results/thinking/<id>.json, and the report rebuilds every thinking table
 * and figure from these files alone, as it does training tables from run
 * records. The raw per-trajectory record is not kept: 1000 puzzles × K × D
 * steps is megabytes, the summary a few kilobytes.
 *
 * @module
 */
import { decodeSudoku } from "../data/sudoku.ts";
import type { ThinkRecord, TrajectoryStart } from "./think.ts";
import type { ThinkSummary } from "./think_summary.ts";

/** How one point spends test-time compute. */
export interface ThinkSettings {
  /** Supervision steps every trajectory runs. */
  depth: number;
  /** Trajectories per puzzle, K. */
  samples: number;
  noise: number;
  noiseOn: "z" | "yz";
  start: TrajectoryStart;
  /** Seeds the noise and the augmented starts. */
  seed: number;
  /** T and n at evaluation. */
  recursions: number;
  latentSteps: number;
  /** Threshold of the first-to-halt rule. */
  threshold: number;
  /** Thresholds of the halting trade-off. */
  thresholds: number[];
}

/** A picture of one answer: a label, the decoded cells, and sigmoid(q_halt). */
export interface ThinkFrame {
  label: string;
  cells: number[];
  haltProb?: number;
}

/** A puzzle plain evaluation gets wrong at the trained depth, and what got it right. */
export interface ThinkExample {
  /** "deeper": the plain trajectory step by step; "samples": the K final answers. */
  kind: "deeper" | "samples";
  /** Index in the held-out set. */
  puzzle: number;
  question: number[];
  answer: number[];
  frames: ThinkFrame[];
}

/** One point of a thinking study, as written to results/thinking/<id>.json. */
export interface ThinkPointRecord {
  study: string;
  /** The point's name in its study; `id` is `<study>-<point>`. */
  point: string;
  id: string;
  label: string;
  preset: string;
  settings: ThinkSettings;
  model: {
    path: string;
    step: number;
    trainedDepth: number;
    /** The model's config (model, data, train, run) as the checkpoint holds it. */
    config: unknown;
  };
  heldOut: { source: string; data: Record<string, string | number>; puzzles: number };
  /** Git commit of the code that ran it ("+dirty" with local changes). */
  code: string;
  command: string;
  deno: string;
  backend: string;
  started: string;
  seconds: number;
  summary: ThinkSummary;
  examples: ThinkExample[];
}

/** The K final answers of puzzle `p` as frames, labelled with q_halt and the rule check. */
export function sampleFrames(
  rec: ThinkRecord,
  p: number,
  decode: (tokens: ArrayLike<number>) => ArrayLike<number> = decodeSudoku,
): ThinkFrame[] {
  if (!(p >= 0 && p < rec.puzzles)) {
    throw new Error(`puzzle ${p} is not in the record (${rec.puzzles})`);
  }
  const s = rec.seqLen;
  return Array.from({ length: rec.samples }, (_, k) => {
    const r = p * rec.samples + k;
    const check = rec.ruleOk ? (rec.ruleOk[r] ? ", rules ✓" : ", rules ✗") : "";
    return {
      label: `${k === 0 ? "plain" : `k=${k}`}${check}`,
      cells: Array.from(decode(rec.answers.subarray(r * s, (r + 1) * s))),
      haltProb: 1 / (1 + Math.exp(-rec.qHalt[(r + 1) * rec.depth - 1]!)),
    };
  });
}

/**
 * At most `max` steps from 1 to `last`, always with the trained depth and
 * `last`: the frames of a strip that shows a puzzle getting right late.
 */
export function stripSteps(trained: number, last: number, max = 8): number[] {
  const picks = new Set([1, Math.min(trained, last), last]);
  for (let i = 0; picks.size < Math.min(max, last); i++) {
    picks.add(1 + Math.round((i / (max - 1)) * (last - 1)));
    if (i > 2 * max) break;
  }
  return [...picks].sort((a, b) => a - b);
}
