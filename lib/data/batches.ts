/**
 * Puzzle sets for training and evaluation, and the training sampler.
 *
 * The reference pre-builds 1000 augmented copies of each training puzzle;
 * the kit instead draws a fresh augmentation for every example it serves,
 * which gives the same distribution without storing the copies.
 *
 * @module
 */
import { Prng } from "../util/prng.ts";
import type { DataConfig } from "./config.ts";
import {
  augmentSudoku,
  encodeSudoku,
  generateSudokuSet,
  puzzleKey,
  type SudokuPuzzle,
  sudokuVocabSize,
} from "./sudoku.ts";
import { loadSudokuFileStrict } from "./sudoku_io.ts";

/** Token inputs and labels of many examples, row-major [N, S]. */
export interface Encoded {
  count: number;
  seqLen: number;
  inputs: Int32Array;
  labels: Int32Array;
  /** Puzzle identifier of each example [N] (ARC); absent means every example uses id 0. */
  puzzleIds?: Int32Array;
}

/** The puzzles of one task, with what the model needs to know about them. */
export interface TaskData {
  vocabSize: number;
  seqLen: number;
  train: SudokuPuzzle[];
  test: SudokuPuzzle[];
  /** Where the puzzles came from, for run records. */
  source: string;
}

/**
 * Builds the training and held-out puzzles: read from files when paths are
 * given, else generated from `seed` (held-out puzzles disjoint from training).
 */
export async function loadTaskData(
  cfg: DataConfig,
  seed: number,
  onProgress?: (what: string, done: number, total: number) => void,
): Promise<TaskData> {
  const gen = (count: number, stream: number, exclude?: Set<string>) =>
    generateSudokuSet(count, {
      size: cfg.size,
      blanks: cfg.blanks,
      minNodes: cfg.minNodes || undefined,
      prng: new Prng(seed * 7919 + stream),
      exclude,
      onProgress: (d, t) => onProgress?.(stream === 1 ? "train puzzles" : "test puzzles", d, t),
    });
  const train = cfg.trainPath
    ? sample(await loadSudokuFileStrict(cfg.trainPath), cfg.trainPuzzles, seed * 7919 + 3)
    : gen(cfg.trainPuzzles, 1);
  const test = cfg.testPath
    ? sample(await loadSudokuFileStrict(cfg.testPath), cfg.testPuzzles, seed * 7919 + 4)
    : gen(cfg.testPuzzles, 2, new Set(train.map(puzzleKey)));
  const size = train[0]?.size ?? cfg.size;
  for (const [name, set] of [["training", train], ["held-out", test]] as const) {
    if (set.length === 0) throw new Error(`no ${name} puzzles`);
    const other = set.find((p) => p.size !== size);
    if (other) {
      throw new Error(`${name} puzzles mix ${size}x${size} and ${other.size}x${other.size} grids`);
    }
  }
  const source = cfg.trainPath
    ? `files ${cfg.trainPath} / ${cfg.testPath || "(generated)"}`
    : `generated ${size}x${size}, ${cfg.blanks} blanks, seed ${seed}`;
  return { vocabSize: sudokuVocabSize(size), seqLen: size * size, train, test, source };
}

/**
 * A seeded random subset of `count` puzzles from a file, in file order (the
 * reference draws its 1000 training puzzles at random, unseeded); 0 = all.
 */
function sample<T>(rows: T[], count: number, seed: number): T[] {
  if (count <= 0 || count >= rows.length) return rows;
  const keep = new Prng(seed).permutation(rows.length).slice(0, count).sort((a, b) => a - b);
  return keep.map((i) => rows[i]!);
}

/** Encodes puzzles as model inputs (question tokens) and labels (answer tokens). */
export function encodePuzzles(puzzles: readonly SudokuPuzzle[]): Encoded {
  const seqLen = puzzles[0] ? puzzles[0].size * puzzles[0].size : 0;
  const inputs = new Int32Array(puzzles.length * seqLen);
  const labels = new Int32Array(puzzles.length * seqLen);
  puzzles.forEach((p, i) => {
    inputs.set(encodeSudoku(p.question), i * seqLen);
    labels.set(encodeSudoku(p.answer), i * seqLen);
  });
  return { count: puzzles.length, seqLen, inputs, labels };
}

/** Where a sampler is, for checkpoints. */
export interface SamplerState {
  epoch: number;
  position: number;
  augment: number[];
}

/**
 * Serves training examples in epochs: each epoch visits every puzzle once in
 * an order fixed by (seed, epoch), each time under a fresh augmentation.
 */
export class Sampler {
  readonly puzzles: readonly SudokuPuzzle[];
  readonly augment: boolean;
  readonly seed: number;
  #epoch = 0;
  #position = 0;
  #order: number[];
  #prng: Prng;

  constructor(puzzles: readonly SudokuPuzzle[], opts: { augment: boolean; seed: number }) {
    this.puzzles = puzzles;
    this.augment = opts.augment;
    this.seed = opts.seed;
    this.#prng = new Prng(opts.seed * 31 + 17);
    this.#order = this.#orderOf(0);
  }

  #orderOf(epoch: number): number[] {
    return new Prng(this.seed * 1_000_003 + epoch).permutation(this.puzzles.length);
  }

  /** The next `count` examples. */
  next(count: number): Encoded {
    const chosen: SudokuPuzzle[] = [];
    while (chosen.length < count) {
      if (this.#position >= this.#order.length) {
        this.#epoch += 1;
        this.#position = 0;
        this.#order = this.#orderOf(this.#epoch);
      }
      const p = this.puzzles[this.#order[this.#position++]!]!;
      chosen.push(this.augment ? augmentSudoku(p, this.#prng) : p);
    }
    return encodePuzzles(chosen);
  }

  /** Completed epochs plus the fraction of the current one. */
  get epochs(): number {
    return this.#epoch + this.#position / Math.max(1, this.#order.length);
  }

  getState(): SamplerState {
    return { epoch: this.#epoch, position: this.#position, augment: this.#prng.getState() };
  }

  setState(s: SamplerState): void {
    this.#epoch = s.epoch;
    this.#position = s.position;
    this.#order = this.#orderOf(s.epoch);
    this.#prng.setState(s.augment);
  }
}
