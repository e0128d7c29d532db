/**
 * What y and z hold, recursion by recursion: both decoded through the same
 * output head. y reads as an answer; z, the latent scratchpad, mostly does
 * not, which is the paper's argument (§4.3) that z is a reasoning feature
 * and not a second answer.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { decodeSudoku } from "../data/mod.ts";
import type { TRM, Weights } from "../model/mod.ts";
import { type Board, sudokuBoard } from "./board.ts";
import { answerStrip, type Frame } from "./board_strip.ts";

/** y and z of one puzzle decoded after each recursion, with the halting probability. */
export interface YZTrace {
  /** "step k, rec t" per entry. */
  labels: string[];
  /** Tokens argmax(head(y)) per entry, [S]. */
  y: Int32Array[];
  /** Tokens argmax(head(z)) per entry, [S]. */
  z: Int32Array[];
  /** sigmoid(q_halt) read off y per entry. */
  haltProb: number[];
}

/**
 * Runs `steps` supervision steps (default N_sup) of T recursions on one
 * puzzle (`inputs`, [S] tokens) and decodes y and z after every recursion.
 * Needs z as wide as y (latentMode "pair" or "single").
 */
export async function traceYZ(
  model: TRM,
  weights: Weights,
  inputs: Int32Array,
  opts: { steps?: number } = {},
): Promise<YZTrace> {
  const { seqLen: s, recursions: T, supervisionSteps } = model.cfg;
  if (model.cfg.latentMode === "multiScale") {
    throw new Error("traceYZ decodes z through the output head: z must be as wide as y");
  }
  const q = {
    inputs: tf.tensor2d(inputs.subarray(0, s), [1, s], "int32"),
    puzzleIds: tf.zeros([1], "int32") as tf.Tensor1D,
  };
  const x = model.embedQuestion(weights, q);
  let state = model.initialState(weights, 1);
  const out: YZTrace = { labels: [], y: [], z: [], haltProb: [] };
  for (let k = 1; k <= (opts.steps ?? supervisionSteps); k++) {
    for (let t = 1; t <= T; t++) {
      const prev = state;
      const r = tf.tidy(() => {
        const next = model.recursion(weights, x, prev);
        const y = model.heads(weights, next.y), z = model.heads(weights, next.z);
        return {
          ...next,
          y2: tf.argMax(y.logits, -1),
          z2: tf.argMax(z.logits, -1),
          p: tf.sigmoid(y.qHalt),
        };
      });
      tf.dispose([prev.y, prev.z]);
      state = { y: r.y, z: r.z };
      out.labels.push(`step ${k}, rec ${t}`);
      out.y.push(new Int32Array(await r.y2.data()));
      out.z.push(new Int32Array(await r.z2.data()));
      out.haltProb.push((await r.p.data())[0]!);
      tf.dispose([r.y2, r.z2, r.p]);
    }
  }
  tf.dispose([state.y, state.z, x, q.inputs, q.puzzleIds]);
  return out;
}

/** Share of the puzzle's cells each decoded entry gets right, for y and for z. */
export function yzAccuracy(trace: YZTrace, answer: ArrayLike<number>): { y: number; z: number }[] {
  const score = (tokens: Int32Array) => {
    const cells = decodeSudoku(tokens);
    return cells.reduce((n, v, i) => n + (v === answer[i] ? 1 : 0), 0) / cells.length;
  };
  return trace.y.map((y, i) => ({ y: score(y), z: score(trace.z[i]!) }));
}

/**
 * Two strips of a traced Sudoku: y decoded after every recursion, and z
 * decoded through the same head under it (wrong cells red against `answer`).
 */
export function yzStrips(
  question: ArrayLike<number>,
  trace: YZTrace,
  answer: ArrayLike<number>,
): [string, string] {
  const board: Board = sudokuBoard(question, question);
  const frames = (tokens: Int32Array[], withHalt: boolean): Frame[] =>
    tokens.map((t, i) => ({
      label: trace.labels[i]!,
      cells: decodeSudoku(t),
      ...(withHalt ? { haltProb: trace.haltProb[i]! } : {}),
    }));
  const perRow = Math.min(8, trace.y.length + 2);
  return [
    answerStrip(board, frames(trace.y, true), { answer, perRow, title: "y through the head" }),
    answerStrip(board, frames(trace.z, false), { answer, perRow, title: "z through the head" }),
  ];
}

/** {@link yzStrips} stacked in one SVG: y's strip above z's. */
export function yzStrip(
  question: ArrayLike<number>,
  trace: YZTrace,
  answer: ArrayLike<number>,
): string {
  const strips = yzStrips(question, trace, answer);
  const size = (svg: string) => {
    const m = /width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
    return { w: Number(m[1]), h: Number(m[2]) };
  };
  const [a, b] = strips.map(size) as [{ w: number; h: number }, { w: number; h: number }];
  const w = Math.max(a.w, b.w), h = a.h + b.h;
  const nest = (svg: string, y: number) => svg.replace("<svg ", `<svg y="${y}" `);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">\n` +
    `${nest(strips[0], 0)}\n${nest(strips[1], a.h)}\n</svg>`;
}
