/**
 * Watching the recursion: the answer y decoded after every supervision step
 * of one or a few puzzles, with the halting head's confidence.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Weights } from "../model/init.ts";
import type { TRM } from "../model/trm.ts";
import { evalDepth } from "./evaluate.ts";

/** Predicted tokens and halting probability after each supervision step. */
export interface Trace {
  /** predictions[k][b*S + i]: token of cell i of puzzle b after step k+1. */
  predictions: Int32Array[];
  /** haltProb[k][b]: sigmoid(q_halt) after step k+1. */
  haltProb: Float32Array[];
}

/** Options of {@link traceAnswer}. */
export interface TraceOptions {
  /**
   * Decode y after every recursion (T per supervision step) instead of once
   * per supervision step; `steps` then says which (step, recursion) each is.
   */
  perRecursion?: boolean;
  /** Puzzle identifier of each puzzle (default 0). */
  puzzleIds?: Int32Array;
  /** Supervision steps to run (default the model's N_sup; more is thinking longer, see think.ts). */
  depth?: number;
}

/** Runs N_sup (or `depth`) supervision steps on `inputs` ([B*S] tokens) and records each decoded answer. */
export async function traceAnswer(
  model: TRM,
  weights: Weights,
  inputs: Int32Array,
  opts: TraceOptions = {},
): Promise<Trace & { steps: { step: number; recursion: number }[] }> {
  const s = model.cfg.seqLen;
  const b = inputs.length / s;
  const q = {
    inputs: tf.tensor2d(inputs, [b, s], "int32"),
    puzzleIds: opts.puzzleIds
      ? tf.tensor1d(opts.puzzleIds, "int32")
      : tf.zeros([b], "int32") as tf.Tensor1D,
  };
  let state = model.initialState(weights, b);
  const preds: tf.Tensor[] = [], probs: tf.Tensor[] = [];
  const steps: { step: number; recursion: number }[] = [];
  const { recursions: T } = model.cfg;
  const nSup = evalDepth(model, opts.depth);
  for (let k = 0; k < nSup; k++) {
    // Forward values do not depend on which parts are differentiated, so
    // running the T recursions one by one gives exactly supervisionStep's y.
    const parts = opts.perRecursion ? T : 1;
    for (let t = 0; t < parts; t++) {
      const prev = state;
      const r = tf.tidy(() => {
        let next: { y: tf.Tensor3D; z: tf.Tensor3D };
        let logits: tf.Tensor3D, qHalt: tf.Tensor1D;
        if (opts.perRecursion) {
          next = model.recursion(weights, model.embedQuestion(weights, q), prev);
          ({ logits, qHalt } = model.heads(weights, next.y));
        } else {
          const out = model.supervisionStep(weights, q, prev);
          next = out.state;
          ({ logits, qHalt } = out);
        }
        return { ...next, pred: tf.argMax(logits, -1), prob: tf.sigmoid(qHalt) };
      });
      tf.dispose([prev.y, prev.z]);
      state = { y: r.y, z: r.z };
      preds.push(r.pred);
      probs.push(r.prob);
      steps.push({ step: k + 1, recursion: opts.perRecursion ? t + 1 : T });
    }
  }
  const predictions = await Promise.all(preds.map(async (p) => new Int32Array(await p.data())));
  const haltProb = await Promise.all(probs.map(async (p) => new Float32Array(await p.data())));
  tf.dispose([...preds, ...probs, state.y, state.z, q.inputs, q.puzzleIds]);
  return { predictions, haltProb, steps };
}
