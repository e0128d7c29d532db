/**
 * How much tensor memory a training step needs, measured rather than guessed.
 *
 * The wasm backend's heap is a 32-bit WebAssembly memory: past 2-4 GB the
 * process dies with `Aborted()`. So before a run, the kit runs one step at 1
 * and at 2 rows under `tf.profile`, which reports the peak bytes of live
 * tensors; peak memory is linear in the rows (weights and optimiser state
 * are fixed, activations grow with the batch), which gives the cost of the
 * real batch, and the largest batch that fits, before anything is allocated.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { encodePuzzles } from "../data/encoding.ts";
import { Sampler } from "../data/sampling.ts";
import type { SudokuPuzzle, SudokuSize } from "../data/sudoku.ts";
import type { Config } from "./config.ts";
import { initWeights } from "../model/init.ts";
import { createModel } from "../model/create.ts";
import { Prng } from "../util/prng.ts";
import { evaluate } from "./evaluate.ts";
import { Trainer } from "./trainer.ts";

/**
 * `count` examples of the config's shape with random tokens: memory depends
 * on shapes only, so any task is measured the same way without building its data.
 */
function randomPuzzles(cfg: Config, count: number): SudokuPuzzle[] {
  const { seqLen, vocabSize } = cfg.model;
  const prng = new Prng(1);
  // Shaped as Sudoku grids (token = value + 1), so any sequence length encodes.
  const cells = () => Uint8Array.from({ length: seqLen }, () => prng.int(vocabSize - 1));
  return Array.from({ length: count }, () => ({
    kind: "sudoku" as const,
    size: Math.sqrt(seqLen) as SudokuSize,
    question: cells(),
    answer: cells(),
  }));
}

/** Peak bytes of live tensors during one training step at `rows` rows (one micro-batch). */
export async function measureStepBytes(cfg: Config, rows: number): Promise<number> {
  const c = { ...cfg, train: { ...cfg.train, batchSize: rows, accumulate: 1 } };
  const tr = new Trainer(
    c,
    new Sampler(randomPuzzles(cfg, Math.max(rows, 2)), {
      augment: false,
      seed: 0,
    }),
  );
  try {
    // Two steps: the optimiser allocates its moments during the first.
    const info = await tf.profile(() => {
      tf.dispose([tr.trainStep(), tr.trainStep()]);
    });
    return info.peakBytes;
  } finally {
    tr.dispose();
  }
}

/** Linear model of a step's peak memory: fixed + perRow·rows bytes. */
export interface MemoryEstimate {
  fixed: number;
  perRow: number;
  /** Bytes for the configured micro-batch (batchSize / accumulate). */
  step: number;
}

/** Measures at 1 and 2 rows and extrapolates to the configured micro-batch. */
export async function estimateStepBytes(cfg: Config): Promise<MemoryEstimate> {
  const [one, two] = [await measureStepBytes(cfg, 1), await measureStepBytes(cfg, 2)];
  const perRow = Math.max(0, two - one);
  const fixed = one - perRow;
  return { fixed, perRow, step: fixed + perRow * (cfg.train.batchSize / cfg.train.accumulate) };
}

const MB = 1024 * 1024;

/**
 * Throws a clear error if a step of `cfg` would need more than
 * `train.memoryLimitMb`, naming the largest batch that fits and an
 * `accumulate` that keeps the configured batch. Returns the estimate otherwise.
 */
export async function checkStepMemory(cfg: Config): Promise<MemoryEstimate> {
  const est = await estimateStepBytes(cfg);
  const limit = cfg.train.memoryLimitMb * MB;
  if (limit > 0 && est.step > limit) {
    const fits = Math.floor((limit - est.fixed) / Math.max(1, est.perRow));
    const b = cfg.train.batchSize;
    const k = Array.from({ length: b }, (_, i) => i + 1).find((k) => b % k === 0 && b / k <= fits);
    throw new Error(
      `a training step with micro-batch ${b / cfg.train.accumulate} needs about ${
        (est.step / MB).toFixed(0)
      } MB of tensor memory ` +
        `(${(est.fixed / MB).toFixed(0)} MB fixed + ${
          (est.perRow / MB).toFixed(2)
        } MB per row), over memoryLimitMb = ${cfg.train.memoryLimitMb}` +
        ` (the wasm heap aborts the process at 2-4 GB). The largest batch that fits is ${
          Math.max(0, fits)
        }` +
        (fits > 0 && k
          ? `; keep batchSize ${b} with --accumulate ${k} (micro-batches of ${b / k})`
          : "") +
        (fits <= 0 ? "; even one row does not fit: make the model smaller" : ""),
    );
  }
  return est;
}

/** Peak bytes of live tensors while evaluating `rows` puzzles over all N_sup supervision steps. */
export async function measureEvalBytes(cfg: Config, rows: number): Promise<number> {
  const puzzles = randomPuzzles(cfg, rows);
  const model = createModel(cfg.model);
  const w = initWeights(cfg.model, new Prng(0));
  try {
    const info = await tf.profile(async () => {
      await evaluate(model, w, encodePuzzles(puzzles), { batchSize: rows });
    });
    return info.peakBytes;
  } finally {
    tf.dispose(Object.values(w));
    model.dispose();
  }
}
