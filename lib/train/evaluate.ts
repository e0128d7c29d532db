/**
 * Evaluation as in the reference: every held-out example runs all N_sup
 * supervision steps (no early halting), and accuracy is read at the last one.
 * `depth` runs more (or fewer) steps than the model trained with: the state
 * is simply carried on, which the reference never does (lib/train/think.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded } from "../data/encoding.ts";
import { rowCorrectness } from "../model/losses.ts";
import type { Weights } from "../model/init.ts";
import type { TRM } from "../model/trm.ts";
import { haltsNow } from "../model/halting.ts";

/** Held-out metrics. */
export interface EvalMetrics {
  /** Examples evaluated. */
  count: number;
  /** Fraction of answer cells right after N_sup steps (or `depth`). */
  tokenAcc: number;
  /** Fraction of puzzles entirely right after N_sup steps (or `depth`; the paper's metric). */
  exactAcc: number;
  /** Mean supervision steps the halting head would have used (first step it says stop, else N_sup). */
  stepsUsed: number;
  /** Exact accuracy after each supervision step 1..N_sup (or `depth`). */
  exactByStep: number[];
  /** Exact accuracy if each puzzle stopped where its halting head said so. */
  exactAtHalt: number;
  /** ARC only: share of test inputs solved by the top-voted answer, and by either of the top two. */
  passAt1?: number;
  passAt2?: number;
}

/** Runs `data` (up to `limit` examples) through the model in batches. */
export async function evaluate(
  model: TRM,
  weights: Weights,
  data: Encoded,
  opts: {
    batchSize: number;
    limit?: number;
    /** Supervision steps to run (default the model's N_sup); metrics are read at the last. */
    depth?: number;
    onProgress?: (done: number, total: number) => void;
    /** Receives each batch's final argmax tokens [b·S] and sigmoid(q_halt) [b], in row order (ARC's vote). */
    onPredictions?: (tokens: Int32Array, haltProbs: Float32Array) => void;
  },
): Promise<EvalMetrics> {
  const n = Math.min(data.count, opts.limit || data.count);
  const nSup = evalDepth(model, opts.depth);
  let correct = 0, valid = 0, exact = 0, steps = 0, exactAtHalt = 0;
  const byStep = new Array<number>(nSup).fill(0);
  for (let start = 0; start < n; start += opts.batchSize) {
    const b = Math.min(opts.batchSize, n - start);
    // Per batch, one tensor of statistics comes back: a single data sync.
    const { stats, last } = evalBatch(model, weights, data, start, b, {
      depth: nSup,
      keepLast: !!opts.onPredictions,
    });
    const v = await stats.data();
    stats.dispose();
    if (last) {
      opts.onPredictions!(
        (await last.tokens.data()) as Int32Array,
        (await last.haltProbs.data()) as Float32Array,
      );
      tf.dispose([last.tokens, last.haltProbs]);
    }
    correct += v[0]!;
    valid += v[1]!;
    exact += v[2]!;
    steps += v[3]!;
    exactAtHalt += v[4]!;
    for (let k = 0; k < nSup; k++) byStep[k]! += v[5 + k]!;
    opts.onProgress?.(start + b, n);
  }
  return {
    count: n,
    tokenAcc: correct / Math.max(1, valid),
    exactAcc: exact / Math.max(1, n),
    stepsUsed: steps / Math.max(1, n),
    exactByStep: byStep.map((e) => e / Math.max(1, n)),
    exactAtHalt: exactAtHalt / Math.max(1, n),
  };
}

/** The evaluation depth: `depth` when given (a positive integer), else the model's N_sup. */
export function evalDepth(model: TRM, depth?: number): number {
  if (depth === undefined) return model.cfg.supervisionSteps;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new Error(`evaluation depth must be a positive integer, got ${depth}`);
  }
  return depth;
}

/**
 * `depth` supervision steps on rows [start, start+b); returns [correct, valid, exact,
 * Σ haltStep, Σ exactAtHalt, exact@1..N], and with `keepLast` the last
 * step's argmax tokens and sigmoid(q_halt).
 */
function evalBatch(
  model: TRM,
  weights: Weights,
  data: Encoded,
  start: number,
  b: number,
  opts: { depth: number; keepLast: boolean },
): { stats: tf.Tensor1D; last?: { tokens: tf.Tensor; haltProbs: tf.Tensor } } {
  const s = data.seqLen;
  const { depth: nSup, keepLast } = opts;
  const inputs = tf.tensor2d(data.inputs.subarray(start * s, (start + b) * s), [b, s], "int32");
  const labels = tf.tensor2d(data.labels.subarray(start * s, (start + b) * s), [b, s], "int32");
  const ids = data.puzzleIds?.subarray(start, start + b);
  const puzzleIds = ids ? tf.tensor1d(ids, "int32") : tf.zeros([b], "int32") as tf.Tensor1D;
  const q = { inputs, puzzleIds };
  // Carried per row: the state, the step at which q_halt first went positive and
  // whether the answer was exact then. Each step is tidied, so memory stays flat in N_sup.
  let c: Record<string, tf.Tensor> = {
    ...model.initialState(weights, b),
    haltStep: tf.fill([b], nSup),
    atHalt: tf.zeros([b]),
    decided: tf.zeros([b], "bool"),
  };
  const perStep: tf.Tensor[] = [];
  let last: { tokens: tf.Tensor; haltProbs: tf.Tensor } | undefined;
  for (let k = 1; k <= nSup; k++) {
    const prev = c;
    c = tf.tidy(() => {
      const out = model.supervisionStep(weights, q, {
        y: prev.y as tf.Tensor3D,
        z: prev.z as tf.Tensor3D,
      });
      const r = rowCorrectness(out.logits, labels);
      const says = haltsNow(model.cfg.halting, out.qHalt, out.qContinue);
      const first = tf.logicalAnd(tf.logicalNot(prev.decided!), says);
      perStep.push(tf.keep(tf.sum(r.exact)));
      if (keepLast && k === nSup) {
        last = {
          tokens: tf.keep(tf.argMax(out.logits, -1)),
          haltProbs: tf.keep(tf.sigmoid(out.qHalt)),
        };
      }
      return {
        y: out.state.y,
        z: out.state.z,
        haltStep: tf.where(first, tf.fill([b], k), prev.haltStep!),
        atHalt: tf.where(first, r.exact, prev.atHalt!),
        decided: tf.logicalOr(prev.decided!, first),
        exact: r.exact,
        correct: tf.sum(r.correct),
        valid: tf.sum(r.valid),
      };
    });
    tf.dispose(Object.values(prev));
  }
  const out = tf.tidy(() =>
    tf.concat([
      tf.stack([
        c.correct!,
        c.valid!,
        tf.sum(c.exact!),
        tf.sum(c.haltStep!),
        tf.sum(tf.where(c.decided!, c.atHalt!, c.exact!)), // puzzles that never halted run to N_sup
      ]),
      tf.stack(perStep),
    ]) as tf.Tensor1D
  );
  tf.dispose([...Object.values(c), ...perStep, inputs, labels, puzzleIds]);
  return { stats: out, last };
}
