/**
 * Thinking longer at test time: evaluation deeper than training (more
 * supervision steps, or other T and n), and K trajectories per puzzle that
 * differ by Gaussian noise on z after every recursion or by starting from an
 * augmented copy of the puzzle. The official code evaluates at the training
 * depth only; here depth and K are axes of their own.
 *
 * One pass records, for every trajectory and supervision step, q_halt and
 * whether the answer was right, plus each trajectory's final answer and (for
 * Sudoku and mazes) whether it passes the rule check. Every halting threshold
 * and selection rule is then computed from that record without running the
 * model again (think_select.ts, think_summary.ts).
 *
 * The K trajectories of a puzzle run as K rows of one batch (row p·K + k,
 * think_batch.ts), so a batch holds `batchSize` rows whatever K is: memory
 * is bounded by the batch size, not by K or the depth.
 *
 * @module
 */
import { type Encoded, encodePuzzles } from "../data/encoding.ts";
import type { TaskPuzzle } from "../data/puzzles.ts";
import { trajectoryRows, type TrajectoryStart } from "../data/starts.ts";
import { type CheckedTask, tokenRuleCheck } from "../data/verify.ts";
import { createModel } from "../model/create.ts";
import type { Weights } from "../model/init.ts";
import type { TRM } from "../model/trm.ts";
import { Prng } from "../util/prng.ts";
import { evalDepth } from "./evaluate.ts";
import { runTrajectories } from "./think_batch.ts";

export type { TrajectoryStart } from "../data/starts.ts";

/** Options of {@link think}. */
export interface ThinkOptions {
  /** Rows per forward pass, puzzles × K: the memory knob. */
  batchSize: number;
  /** Supervision steps every trajectory runs (default the model's N_sup; may exceed it). */
  depth?: number;
  /** Trajectories per puzzle, K (default 1). Trajectory 0 is always plain evaluation. */
  samples?: number;
  /** Std σ of the Gaussian noise added to z after every recursion of trajectories 1..K-1 (default 0). */
  noise?: number;
  /** What the noise is added to: z only (default), or y and z. */
  noiseOn?: "z" | "yz";
  /** How trajectories 1..K-1 start (default "same"; "augment": Sudoku and mazes). */
  start?: TrajectoryStart;
  /** Seeds the noise and the augmentations (default 0). */
  seed?: number;
  /** Evaluate only the first `limit` puzzles. */
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Everything the selection rules need, per puzzle p, trajectory k and step t
 * (flat, index (p·K + k)·D + t for per-step arrays, p·K + k per trajectory).
 */
export interface ThinkRecord {
  puzzles: number;
  samples: number;
  depth: number;
  /** The model's N_sup in training. */
  trainedDepth: number;
  /** Net calls per supervision step of one trajectory, T·(n+1). */
  callsPerStep: number;
  seqLen: number;
  /** q_halt logit after each step. */
  qHalt: Float32Array;
  /** 1 where the answer after that step equals the solution. */
  exact: Uint8Array;
  /** Answer cells right after each step. */
  correct: Float32Array;
  /** Answer cells scored, per puzzle. */
  cells: Float32Array;
  /** Final answers (after step D) as tokens in the question's own frame, [P·K·S]. */
  answers: Int32Array;
  /** Per trajectory: 1 when the final answer passes the rule check (question only); absent without one. */
  ruleOk?: Uint8Array;
}

/**
 * Runs K trajectories of every puzzle to `depth` steps and records q_halt,
 * correctness and final answers. `puzzles` are Sudoku, maze or ARC puzzles as
 * `loadTaskData` gives them (ARC: each encoded test input is a puzzle), or
 * encoded rows as `evaluate` takes them; augmented starts and the rule check
 * need Sudoku or maze puzzles.
 */
export async function think(
  model: TRM,
  weights: Weights,
  puzzles: readonly TaskPuzzle[] | Encoded,
  opts: ThinkOptions,
): Promise<ThinkRecord> {
  const k = opts.samples ?? 1, depth = evalDepth(model, opts.depth), sigma = opts.noise ?? 0;
  checkOptions(model, opts, k, sigma);
  const encoded = "inputs" in puzzles;
  const data = encoded ? puzzles : encodePuzzles(puzzles);
  const task = encoded ? undefined : checkedTask(puzzles);
  if (opts.start === "augment" && !task) {
    throw new Error(
      "augmented starts need Sudoku or maze puzzles (ARC votes over its own versions)",
    );
  }
  const s = data.seqLen, n = Math.min(data.count, opts.limit || data.count), seed = opts.seed ?? 0;
  const rows = trajectoryRows(encoded ? [] : puzzles, data, {
    count: n,
    samples: k,
    start: opts.start ?? "same",
    prng: new Prng(seed * 7919 + 5),
  });
  const rec = emptyRecord(model, { puzzles: n, samples: k, depth, seqLen: s });
  const noise = sigma > 0
    ? { sigma, on: opts.noiseOn ?? "z", prng: new Prng(seed * 7919 + 17) }
    : undefined;
  const per = Math.max(1, Math.floor(opts.batchSize / k)); // puzzles per batch
  for (let p0 = 0; p0 < n; p0 += per) {
    const batch = rows.slice(p0 * k, Math.min(n, p0 + per) * k), r0 = p0 * k;
    const ids = data.puzzleIds?.subarray(p0, p0 + batch.length / k);
    const out = await runTrajectories(model, weights, batch, {
      steps: depth,
      samples: k,
      puzzleIds: ids
        ? Int32Array.from(Array.from(ids).flatMap((id) => Array(k).fill(id)))
        : undefined,
      noise,
    });
    rec.qHalt.set(out.qHalt, r0 * depth);
    rec.exact.set(out.exact, r0 * depth);
    rec.correct.set(out.correct, r0 * depth);
    batch.forEach((row, i) => {
      const tokens = out.tokens.subarray(i * s, (i + 1) * s);
      rec.answers.set(row.back ? row.back(tokens) : tokens, (r0 + i) * s);
      if (i % k === 0) rec.cells[p0 + i / k] = out.valid[i]!;
    });
    opts.onProgress?.(p0 + batch.length / k, n);
  }
  if (task) rec.ruleOk = ruleChecks(rec, data.inputs, tokenRuleCheck(task));
  return rec;
}

function emptyRecord(
  model: TRM,
  size: { puzzles: number; samples: number; depth: number; seqLen: number },
): ThinkRecord {
  const steps = size.puzzles * size.samples * size.depth;
  return {
    ...size,
    trainedDepth: model.cfg.supervisionSteps,
    callsPerStep: model.cfg.recursions * (model.cfg.latentSteps + 1),
    qHalt: new Float32Array(steps),
    exact: new Uint8Array(steps),
    correct: new Float32Array(steps),
    cells: new Float32Array(size.puzzles),
    answers: new Int32Array(size.puzzles * size.samples * size.seqLen),
  };
}

/**
 * The model with T (`recursions`) and n (`latentSteps`) changed for
 * evaluation. The weights fit any T and n, except multi-scale z, whose
 * z_init holds one vector per latent step.
 */
export function evaluationModel(
  model: TRM,
  change: { recursions?: number; latentSteps?: number },
): TRM {
  const cfg = {
    ...model.cfg,
    recursions: change.recursions ?? model.cfg.recursions,
    latentSteps: change.latentSteps ?? model.cfg.latentSteps,
  };
  for (const key of ["recursions", "latentSteps"] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 1) {
      throw new Error(`${key} must be a positive integer, got ${cfg[key]}`);
    }
  }
  if (cfg.latentMode === "multiScale" && cfg.latentSteps !== model.cfg.latentSteps) {
    throw new Error("multi-scale z has one latent per latent step: n cannot change at evaluation");
  }
  if (cfg.recursions === model.cfg.recursions && cfg.latentSteps === model.cfg.latentSteps) {
    return model;
  }
  return createModel(cfg);
}

function checkOptions(model: TRM, opts: ThinkOptions, k: number, sigma: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`samples must be a positive integer, got ${k}`);
  }
  if (!(sigma >= 0)) throw new Error(`noise must be a non-negative number, got ${sigma}`);
  if (!(opts.batchSize >= 1)) {
    throw new Error(`batchSize must be at least 1, got ${opts.batchSize}`);
  }
  // HRM runs its own loop, not TRM.recursion, so the noise hook would silently do nothing.
  if (sigma > 0 && model.cfg.arch !== "trm") {
    throw new Error(
      `noise needs a TRM (the hook sits in TRM.recursion); this is ${model.cfg.arch}`,
    );
  }
}

/** The rule-checked task of the puzzles, or undefined (ARC, or none). */
function checkedTask(puzzles: readonly TaskPuzzle[]): CheckedTask | undefined {
  const first = puzzles[0];
  if (!first) return undefined;
  if (first.kind === "sudoku") return { task: "sudoku", size: first.size };
  return first.kind === "maze" ? { task: "maze", size: first.size } : undefined;
}

/** Per trajectory, whether its final answer passes `check` against the original question. */
function ruleChecks(
  rec: ThinkRecord,
  questions: Int32Array,
  check: (q: ArrayLike<number>, a: ArrayLike<number>) => string | null,
): Uint8Array {
  const s = rec.seqLen, ok = new Uint8Array(rec.puzzles * rec.samples);
  for (let r = 0; r < ok.length; r++) {
    const p = Math.floor(r / rec.samples);
    const q = questions.subarray(p * s, (p + 1) * s);
    ok[r] = check(q, rec.answers.subarray(r * s, (r + 1) * s)) === null ? 1 : 0;
  }
  return ok;
}
