/**
 * Which network calls one supervision step makes, in order, and which of
 * them the gradient tape records: the recursion's update order (n latent
 * updates, then the answer update, T times), the no-gradient recursions,
 * and what `gradient: "oneStep"` or HRM leave off the tape.
 *
 * The model's `net` is wrapped on one instance for the length of one step;
 * tfjs's tape is read from the engine (the same internal nograd.ts touches).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TRM, Weights } from "../model/mod.ts";
import type { ReportTable } from "./tables.ts";

/** One call of the tiny network during a supervision step. */
export interface NetCall {
  /** 1-based position in the step. */
  order: number;
  /** Recursion (HRM: cycle) it belongs to, 1..T. */
  recursion: number;
  /** What it updates: the latent z (n times per recursion) or the answer y (once). */
  updates: "z" | "y";
  /** What it computes, in the paper's notation. */
  formula: string;
  /** Whether the gradient tape recorded it (backprop goes through it). */
  taped: boolean;
  /** Operations the tape recorded during the call. */
  tapedOps: number;
}

interface EngineState {
  gradientDepth: number;
  activeTape?: unknown[];
}

/**
 * Runs one supervision step of `model` from its initial state on `inputs`
 * ([B·S] tokens, default one blank puzzle) under the gradient tape, and lists
 * every net call it made.
 */
export function netCalls(model: TRM, weights: Weights, inputs?: Int32Array): NetCall[] {
  const { seqLen: s, latentSteps: n, networks } = model.cfg;
  const tokens = inputs ?? new Int32Array(s);
  const b = tokens.length / s;
  const engine = (tf.engine() as unknown as { state: EngineState }).state;
  const calls: NetCall[] = [];
  const self = model as unknown as { net: TRM["net"] };
  const original = self.net;
  self.net = function (this: TRM, w, h, injection, level = "L") {
    const taped = engine.gradientDepth > 0;
    const before = engine.activeTape?.length ?? 0;
    const out = original.call(this, w, h, injection, level);
    const order = calls.length + 1, updates = level === "H" || !injection ? "y" : "z";
    const f = networks === "separate" ? (level === "H" ? "f_H" : "f_L") : "net";
    calls.push({
      order,
      recursion: Math.floor((order - 1) / (n + 1)) + 1,
      updates,
      formula: updates === "z" ? `z = ${f}(z + y + x)` : `y = ${f}(y + z)`,
      taped,
      tapedOps: taped ? (engine.activeTape?.length ?? 0) - before : 0,
    });
    return out;
  };
  try {
    // Variables, so tfjs tapes the step as training does (the trainer's variableGrads).
    const vars = Object.fromEntries(
      Object.entries(weights).map(([k, t]) => [k, tf.variable(t, true, `netCalls/${k}`)]),
    );
    const q = {
      inputs: tf.tensor2d(tokens, [b, s], "int32"),
      puzzleIds: tf.zeros([b], "int32") as tf.Tensor1D,
    };
    const { value, grads } = tf.variableGrads(() => {
      const out = model.supervisionStep(vars, q, model.initialState(vars, b));
      return tf.add(tf.sum(out.logits), tf.sum(out.qHalt)) as tf.Scalar;
    });
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars), q.inputs, q.puzzleIds]);
  } finally {
    delete (self as Partial<typeof self>).net; // the prototype's method again
  }
  return calls;
}

/** The calls as a table: order, recursion, update, and whether backprop goes through it. */
export function netCallsTable(
  calls: NetCall[],
  title = "Net calls of one supervision step",
): ReportTable {
  const taped = calls.filter((c) => c.taped).length;
  return {
    name: "net-calls",
    title,
    caption: `${calls.length} calls, ${taped} on the gradient tape (backprop runs through those ` +
      `only; the others ran under noGrad and kept nothing for it).`,
    columns: [
      { key: "order", label: "#", align: "right" },
      { key: "recursion", label: "recursion", align: "right" },
      { key: "formula", label: "update", align: "left" },
      { key: "taped", label: "gradient", align: "left" },
      { key: "tapedOps", label: "taped ops", align: "right" },
    ],
    rows: calls.map((c) => ({
      order: String(c.order),
      recursion: String(c.recursion),
      formula: c.formula,
      taped: c.taped ? "yes" : "no",
      tapedOps: String(c.tapedOps),
    })),
    data: calls.map((c) => ({ ...c })),
  };
}
