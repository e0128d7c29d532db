/**
 * A tiny model trained for seconds, to look inside: the smoke preset (4x4
 * Sudoku, a 32-wide net, 30 steps) with any config value changed. The study
 * notebooks compare their variants on real runs; these models only make the
 * mechanism each study changes visible, and let a reader change one value
 * and rerun.
 *
 * @module
 */
import {
  encodePuzzles,
  encodeSudoku,
  loadTaskData,
  type SudokuPuzzle,
  type TaskData,
} from "../data/mod.ts";
import { initWeights, type Weights } from "../model/mod.ts";
import {
  type Config,
  type LoadedModel,
  loadModel,
  resolveConfig,
  type RunSummary,
  trainRun,
} from "../run/mod.ts";
import { traceAnswer } from "../train/mod.ts";
import { Prng } from "../util/prng.ts";
import { loadTensorFile } from "../util/safetensors.ts";
import * as tf from "@tensorflow/tfjs-core";
import { sudokuBoard } from "./board.ts";
import { answerStrip, traceFrames } from "./board_strip.ts";

/** A trained tiny model: its evaluation (EMA) weights, raw and initial weights, data and summary. */
export interface TinyModel extends LoadedModel {
  /** The values changed from the preset, as given. */
  changed: Record<string, unknown>;
  data: TaskData;
  summary: RunSummary;
  /** The trained weights before EMA averaging (the same as `weights` without EMA). */
  raw: Weights;
  /** The weights training started from (the trainer draws them from the run seed). */
  init: Weights;
}

/**
 * Trains one tiny model at `preset` (default smoke) with `overrides` (any
 * config key, its alias or paper symbol: `{ T: 1 }`, `{ mixer: "attention" }`)
 * into a throwaway folder, and loads it back.
 */
export async function trainTiny(
  overrides: Record<string, unknown> = {},
  opts: { preset?: string } = {},
): Promise<TinyModel> {
  const cfg: Config = resolveConfig(opts.preset ?? "smoke", overrides);
  const out = await Deno.makeTempDir({ prefix: "trm-tiny-" });
  try {
    const data = await loadTaskData(cfg.data, cfg.run.seed);
    const summary = await trainRun(cfg, { out, data });
    const loaded = await loadModel(out);
    const file = await loadTensorFile(loaded.path);
    const raw: Weights = {};
    for (const name of Object.keys(loaded.weights)) {
      const s = file.tensors[`w/${name}`]!;
      raw[name] = tf.tensor(s.data, s.shape, s.dtype === "I32" ? "int32" : "float32");
    }
    const init = initWeights(loaded.cfg.model, new Prng(loaded.cfg.run.seed));
    return { ...loaded, changed: overrides, data, summary, raw, init };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** What a tiny model changed and how it scored: held-out exact and cell accuracy, parameters. */
export function tinyScore(m: Pick<TinyModel, "changed" | "summary">): Record<string, string> {
  const pct = (v: number | undefined) => v === undefined ? "-" : `${(100 * v).toFixed(1)}%`;
  return {
    changed: Object.entries(m.changed).map(([k, v]) => `${k}=${v}`).join(", ") || "nothing",
    exact: pct(m.summary.test.exactAcc),
    cells: pct(m.summary.test.tokenAcc),
    params: m.summary.params.toLocaleString("en-US"),
  };
}

/** The first `count` held-out puzzles of a tiny model's data, encoded ([count·S] tokens). */
export function testInputs(m: { data: TaskData }, count = 1): Int32Array {
  return encodePuzzles(m.data.test.slice(0, count)).inputs;
}

/**
 * The answer strip of one puzzle for a model: held-out puzzle `puzzle`
 * (default the first) or a question of your own (with its answer, if known),
 * y decoded after every recursion (`perRecursion`, default) or every
 * supervision step, titled with the model's n and T.
 */
export async function traceStrip(
  m: Pick<TinyModel, "model" | "weights" | "data">,
  opts: {
    puzzle?: number | { question: Uint8Array; answer?: Uint8Array };
    perRecursion?: boolean;
    title?: string;
  } = {},
): Promise<string> {
  const p = typeof opts.puzzle === "object"
    ? opts.puzzle
    : m.data.test[opts.puzzle ?? 0] as SudokuPuzzle;
  if (!p || ("kind" in p && p.kind !== "sudoku")) {
    throw new Error("traceStrip draws Sudoku puzzles");
  }
  const perRecursion = opts.perRecursion ?? true;
  const trace = await traceAnswer(m.model, m.weights, encodeSudoku(p.question), { perRecursion });
  const { latentSteps: n, recursions: T } = m.model.cfg;
  return answerStrip(sudokuBoard(p.question, p.question), traceFrames(trace), {
    ...(p.answer ? { answer: p.answer } : {}),
    perRow: perRecursion ? Math.max(T, 4) * 2 : 8,
    title: opts.title ?? `n=${n}, T=${T}: y after every ${perRecursion ? "recursion" : "step"}`,
  });
}
