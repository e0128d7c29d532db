/**
 * ARC evaluation as in the reference (`evaluators/arc.py`): every augmented
 * version of every test input runs all N_sup supervision steps under its own
 * puzzle id; the final argmax answer is cropped, mapped back through the
 * inverse augmentation, and the versions vote (`data/vote.ts`). Candidates
 * rank by votes, then by mean sigmoid(q_halt); pass@1 and pass@2 per task.
 *
 * Examples are encoded batch by batch, so the ~1000 versions of the
 * reference's test split never sit in memory at once.
 *
 * Shapes: B batch, S canvas tokens, V vocab.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { encodeArcGrid } from "../data/arc.ts";
import type { ArcExampleSource, ArcGroup } from "../data/arc_dataset.ts";
import { augmentGrid, gridsEqual } from "../data/augment.ts";
import {
  type ArcScore,
  invertPrediction,
  type RankedTestInput,
  rankVotes,
  scoreArc,
  type Vote,
} from "../data/vote.ts";
import { encodePuzzles } from "../data/encoding.ts";
import type { Weights } from "../model/init.ts";
import type { TRM } from "../model/trm.ts";
import { type EvalMetrics, evaluate } from "./evaluate.ts";

/** Scores after voting, and the exact accuracy of single versions before it. */
export interface ArcEvalResult extends ArcScore {
  /** Augmented examples run (versions × test inputs). */
  examples: number;
  /** Share of single versions whose inverted answer is right (no voting). */
  versionAcc: number;
}

/** Every (group, version, pair) of the test groups, in order. */
export function arcSources(groups: readonly ArcGroup[]): ArcExampleSource[] {
  const out: ArcExampleSource[] = [];
  groups.forEach((g, group) =>
    g.versions.forEach((_, version) =>
      g.pairs.forEach((_, pair) => out.push({ group, version, pair }))
    )
  );
  return out;
}

/**
 * Votes and scores predicted canvases (`tokens[i]` for `sources[i]`, in the
 * augmented frame) with their halting probabilities.
 */
export function scoreArcPredictions(
  groups: readonly ArcGroup[],
  sources: readonly ArcExampleSource[],
  tokens: readonly ArrayLike<number>[],
  haltProbs: readonly number[],
  ks: readonly number[] = [1, 2],
): ArcEvalResult {
  const votes = new Map<string, Vote[]>();
  let right = 0;
  sources.forEach((s, i) => {
    const g = groups[s.group]!;
    const grid = invertPrediction(tokens[i]!, g.versions[s.version]!, g.canvas);
    if (gridsEqual(grid, g.pairs[s.pair]!.output!)) right++;
    const key = `${s.group}:${s.pair}`;
    votes.set(key, [...(votes.get(key) ?? []), { grid, haltProb: haltProbs[i]! }]);
  });
  const items: RankedTestInput[] = [...votes].map(([key, v]) => {
    const [group, pair] = key.split(":").map(Number) as [number, number];
    const g = groups[group]!;
    return { task: g.name, ranked: rankVotes(v), truth: g.pairs[pair]!.output! };
  });
  return {
    ...scoreArc(items, ks),
    examples: sources.length,
    versionAcc: right / Math.max(1, sources.length),
  };
}

/**
 * The held-out metrics of every augmented version (as `evaluate` gives them)
 * and the vote's pass@k, from one pass over the versions. It encodes them all
 * at once, as `evaluate` does: for a test split too large for that, use
 * {@link evaluateArc}, which streams.
 */
export async function evaluateArcVersions(
  model: TRM,
  weights: Weights,
  groups: readonly ArcGroup[],
  opts: { batchSize: number; onProgress?: (done: number, total: number) => void },
): Promise<{ metrics: EvalMetrics; arc: ArcEvalResult }> {
  const examples = encodePuzzles(groups);
  const s = examples.seqLen;
  const tokens: Int32Array[] = [], haltProbs: number[] = [];
  const metrics = await evaluate(model, weights, examples, {
    ...opts,
    onPredictions: (t, h) => {
      for (let i = 0; i < h.length; i++) tokens.push(t.slice(i * s, (i + 1) * s));
      haltProbs.push(...h);
    },
  });
  // encodePuzzles lists ARC versions in arcSources' order: group, version, pair.
  const arc = scoreArcPredictions(groups, arcSources(groups), tokens, haltProbs);
  return { metrics: { ...metrics, passAt1: arc.passAt[1], passAt2: arc.passAt[2] }, arc };
}

/** Runs every augmented test example through `model` and scores the vote. */
export async function evaluateArc(
  model: TRM,
  weights: Weights,
  groups: readonly ArcGroup[],
  opts: { batchSize: number; ks?: number[]; onProgress?: (done: number, total: number) => void },
): Promise<ArcEvalResult> {
  const sources = arcSources(groups);
  const maxId = Math.max(0, ...groups.map((g) => g.firstId + g.versions.length - 1));
  if (maxId >= model.cfg.numPuzzleIds) {
    throw new Error(
      `the test puzzles use ids up to ${maxId}, but the model has ${model.cfg.numPuzzleIds} puzzle ids`,
    );
  }
  const tokens: Int32Array[] = [], haltProbs: number[] = [];
  for (let start = 0; start < sources.length; start += opts.batchSize) {
    const batch = sources.slice(start, start + opts.batchSize);
    const { preds, halt } = await predictBatch(model, weights, groups, batch);
    const s = model.cfg.seqLen;
    batch.forEach((_, i) => tokens.push(preds.subarray(i * s, (i + 1) * s)));
    haltProbs.push(...halt);
    opts.onProgress?.(start + batch.length, sources.length);
  }
  return scoreArcPredictions(groups, sources, tokens, haltProbs, opts.ks);
}

/** All N_sup steps on a batch; the final argmax tokens [B*S] and sigmoid(q_halt) [B]. */
async function predictBatch(
  model: TRM,
  weights: Weights,
  groups: readonly ArcGroup[],
  batch: readonly ArcExampleSource[],
): Promise<{ preds: Int32Array; halt: Float32Array }> {
  const s = model.cfg.seqLen, b = batch.length;
  const inputs = new Int32Array(b * s), ids = new Int32Array(b);
  batch.forEach((src, i) => {
    const g = groups[src.group]!;
    if (g.canvas * g.canvas !== s) {
      throw new Error(`canvas ${g.canvas}x${g.canvas} does not match seqLen ${s}`);
    }
    inputs.set(
      encodeArcGrid(augmentGrid(g.pairs[src.pair]!.input, g.versions[src.version]!), {
        canvas: g.canvas,
      }),
      i * s,
    );
    ids[i] = g.firstId + src.version;
  });
  const q = { inputs: tf.tensor2d(inputs, [b, s], "int32"), puzzleIds: tf.tensor1d(ids, "int32") };
  let state = model.initialState(weights, b);
  let last: { preds: tf.Tensor; halt: tf.Tensor } | undefined;
  for (let k = 1; k <= model.cfg.supervisionSteps; k++) {
    const prev = state;
    const out = tf.tidy(() => {
      const o = model.supervisionStep(weights, q, prev);
      return {
        y: o.state.y,
        z: o.state.z,
        preds: tf.argMax(o.logits, -1),
        halt: tf.sigmoid(o.qHalt),
      };
    });
    tf.dispose([prev.y, prev.z, ...(last ? [last.preds, last.halt] : [])]);
    state = { y: out.y, z: out.z };
    last = { preds: out.preds, halt: out.halt };
  }
  const preds = (await last!.preds.data()) as Int32Array,
    halt = (await last!.halt.data()) as Float32Array;
  tf.dispose([state.y, state.z, last!.preds, last!.halt, q.inputs, q.puzzleIds]);
  return { preds, halt };
}
