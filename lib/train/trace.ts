/**
 * Watching the recursion: the answer y decoded after every supervision step
 * of one or a few puzzles, with the halting head's confidence.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Weights } from "../model/init.ts";
import type { TRM } from "../model/trm.ts";

/** Predicted tokens and halting probability after each supervision step. */
export interface Trace {
  /** predictions[k][b*S + i]: token of cell i of puzzle b after step k+1. */
  predictions: Int32Array[];
  /** haltProb[k][b]: sigmoid(q_halt) after step k+1. */
  haltProb: Float32Array[];
}

/** Runs N_sup supervision steps on `inputs` ([B*S] tokens) and records each decoded answer. */
export async function traceAnswer(
  model: TRM,
  weights: Weights,
  inputs: Int32Array,
): Promise<Trace> {
  const s = model.cfg.seqLen;
  const b = inputs.length / s;
  const q = {
    inputs: tf.tensor2d(inputs, [b, s], "int32"),
    puzzleIds: tf.zeros([b], "int32") as tf.Tensor1D,
  };
  let state = model.initialState(weights, b);
  const preds: tf.Tensor[] = [], probs: tf.Tensor[] = [];
  for (let k = 0; k < model.cfg.supervisionSteps; k++) {
    const prev = state;
    const r = tf.tidy(() => {
      const out = model.supervisionStep(weights, q, prev);
      return {
        y: out.state.y,
        z: out.state.z,
        pred: tf.argMax(out.logits, -1),
        prob: tf.sigmoid(out.qHalt),
      };
    });
    tf.dispose([prev.y, prev.z]);
    state = { y: r.y, z: r.z };
    preds.push(r.pred);
    probs.push(r.prob);
  }
  const predictions = await Promise.all(preds.map(async (p) => new Int32Array(await p.data())));
  const haltProb = await Promise.all(probs.map(async (p) => new Float32Array(await p.data())));
  tf.dispose([...preds, ...probs, state.y, state.z, q.inputs, q.puzzleIds]);
  return { predictions, haltProb };
}
