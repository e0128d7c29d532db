/**
 * One batch of test-time trajectories on the device (lib/train/think.ts):
 * R rows, K per puzzle, run for D supervision steps, with optional Gaussian
 * noise on z after every recursion through the model's `perturb` hook.
 *
 * Per step only three [R] vectors are kept (q_halt, exact, cells right); the
 * batch ends with two reads, so there is no data sync inside the step loop,
 * and each step is tidied, so memory does not grow with D.
 *
 * Shapes: R rows, S tokens, L = P + S positions, D hidden width.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TrajectoryRow } from "../data/starts.ts";
import type { Weights } from "../model/init.ts";
import { rowCorrectness } from "../model/losses.ts";
import type { Question, State, TRM } from "../model/trm.ts";
import type { Prng } from "../util/prng.ts";

/** Noise for trajectories 1..K-1: N(0, σ²) per element of z (and y with "yz"), seeded per call. */
export interface NoiseSpec {
  sigma: number;
  on: "z" | "yz";
  prng: Prng;
}

/** What one batch gives back, row-major by row then step. */
export interface BatchRecord {
  /** q_halt logit per row and step, [R·steps]. */
  qHalt: Float32Array;
  exact: Uint8Array;
  correct: Float32Array;
  /** Answer cells scored per row, [R]. */
  valid: Float32Array;
  /** Final answer tokens, [R·S]. */
  tokens: Int32Array;
}

/** Runs `rows` (K per puzzle, in order) for `steps` supervision steps and reads the record back. */
export async function runTrajectories(
  model: TRM,
  weights: Weights,
  rows: readonly TrajectoryRow[],
  opts: { steps: number; samples: number; puzzleIds?: Int32Array; noise?: NoiseSpec },
): Promise<BatchRecord> {
  const r = rows.length;
  const { q, labels } = rowTensors(rows, opts.puzzleIds);
  const mask = opts.noise ? noiseMask(r, opts.samples) : undefined;
  const restore = model.perturb;
  if (opts.noise) model.perturb = gaussianNoise(opts.noise, mask!);
  let run: ReturnType<typeof stepLoop>;
  try {
    run = stepLoop(model, weights, q, labels, opts.steps);
  } finally {
    model.perturb = restore;
  }
  // [steps, 3, R] -> [3, R, steps]: q_halt, exact, correct, each by row then step.
  const stacked = tf.tidy(() => tf.transpose(tf.stack(run.perStep), [1, 2, 0]));
  const v = await stacked.data() as Float32Array;
  const tokens = new Int32Array(await run.tokens.data());
  const valid = new Float32Array(await run.valid.data());
  tf.dispose([stacked, ...run.perStep, run.tokens, run.valid, q.inputs, q.puzzleIds, labels]);
  if (mask) mask.dispose();
  const n = r * opts.steps;
  return {
    qHalt: v.slice(0, n),
    exact: Uint8Array.from(v.subarray(n, 2 * n)),
    correct: v.slice(2 * n, 3 * n),
    valid,
    tokens,
  };
}

/** Questions [R, S], puzzle ids [R] and labels [R, S] of the rows. */
function rowTensors(
  rows: readonly TrajectoryRow[],
  ids?: Int32Array,
): { q: Question; labels: tf.Tensor2D } {
  const r = rows.length, s = rows[0]?.inputs.length ?? 0;
  const flat = (pick: (row: TrajectoryRow) => Int32Array) => {
    const a = new Int32Array(r * s);
    rows.forEach((row, i) => a.set(pick(row), i * s));
    return tf.tensor2d(a, [r, s], "int32");
  };
  const puzzleIds = ids ? tf.tensor1d(ids, "int32") : tf.zeros([r], "int32") as tf.Tensor1D;
  return { q: { inputs: flat((row) => row.inputs), puzzleIds }, labels: flat((row) => row.labels) };
}

/** The supervision steps: a [3, R] vector per step, the final argmax tokens and cells scored. */
function stepLoop(model: TRM, weights: Weights, q: Question, labels: tf.Tensor2D, steps: number) {
  let state = model.initialState(weights, q.inputs.shape[0]);
  const perStep: tf.Tensor[] = [];
  let tokens: tf.Tensor | undefined, valid: tf.Tensor | undefined;
  for (let t = 1; t <= steps; t++) {
    const prev = state;
    const step = tf.tidy(() => {
      const out = model.supervisionStep(weights, q, prev);
      const c = rowCorrectness(out.logits, labels);
      const kept = { ...out.state, row: tf.stack([out.qHalt, c.exact, c.correct]) };
      return t < steps ? kept : { ...kept, tokens: tf.argMax(out.logits, -1), valid: c.valid };
    }) as State & { row: tf.Tensor; tokens?: tf.Tensor; valid?: tf.Tensor };
    tf.dispose([prev.y, prev.z]);
    state = { y: step.y, z: step.z };
    perStep.push(step.row);
    if (step.tokens) [tokens, valid] = [step.tokens, step.valid];
  }
  tf.dispose([state.y, state.z]);
  return { perStep, tokens: tokens!, valid: valid! };
}

/** [R, 1, 1]: 0 for trajectory 0 of each puzzle (kept plain), 1 for the others. */
function noiseMask(r: number, k: number): tf.Tensor3D {
  return tf.tensor3d(Float32Array.from({ length: r }, (_, i) => (i % k === 0 ? 0 : 1)), [r, 1, 1]);
}

/**
 * The perturbation: z + σ·ε (and y + σ·ε' with "yz"), ε ~ N(0, 1) per
 * element, seeded per call so a run is reproducible; rows under a zero mask
 * are untouched (adding 0 leaves every value as it was). With a single
 * latent (y is z) both move together.
 */
function gaussianNoise(noise: NoiseSpec, mask: tf.Tensor3D): (s: State) => State {
  const add = (x: tf.Tensor3D) => {
    const e = tf.randomNormal(x.shape, 0, noise.sigma, "float32", noise.prng.uint32());
    return tf.add(x, tf.mul(e, mask)) as tf.Tensor3D;
  };
  return (s) => {
    const z = add(s.z);
    if (s.y === s.z) return { y: z, z };
    return { y: noise.on === "yz" ? add(s.y) : s.y, z };
  };
}
