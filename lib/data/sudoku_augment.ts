/**
 * The reference's Sudoku augmentation (`shuffle_sudoku`) as explicit,
 * invertible transforms, so test-time trajectories can map answers back.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { boxShape, type SudokuPuzzle, type SudokuSize } from "./sudoku.ts";

/**
 * One of the reference's `shuffle_sudoku` transforms: a digit permutation
 * (0 stays blank), a transpose (square boxes only), then bands with the rows
 * inside each band, and stacks with the columns inside each stack. All of
 * these map valid grids to valid grids, and {@link invertSudokuTransform}
 * undoes one exactly (test-time trajectories map answers back with it).
 */
export interface SudokuTransform {
  size: SudokuSize;
  /** digits[d] is the new digit of digit d (digits[0] = 0). */
  digits: number[];
  transpose: boolean;
  /** Output row r reads input row rowPerm[r]; likewise columns. */
  rowPerm: number[];
  colPerm: number[];
}

/** A random transform, drawn in the reference's order (digits, transpose, rows, columns). */
export function randomSudokuTransform(size: SudokuSize, prng: Prng): SudokuTransform {
  const box = boxShape(size);
  const digits = [0, ...prng.permutation(size).map((d) => d + 1)];
  // Transposing turns 2x3 boxes into 3x2 ones, which are not 6x6 Sudoku boxes; only square boxes allow it.
  const transpose = box.rows === box.cols && prng.next() < 0.5;
  const rowPerm = blockPermutation(size / box.rows, box.rows, prng);
  const colPerm = blockPermutation(size / box.cols, box.cols, prng);
  return { size, digits, transpose, rowPerm, colPerm };
}

/** Applies a transform to a grid (0 = blank). */
export function applySudokuTransform(g: Uint8Array, t: SudokuTransform): Uint8Array {
  const { size, digits, transpose, rowPerm, colPerm } = t;
  const out = new Uint8Array(g.length);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const sr = rowPerm[r]!, sc = colPerm[c]!;
      const src = transpose ? sc * size + sr : sr * size + sc;
      out[r * size + c] = digits[g[src]!]!;
    }
  }
  return out;
}

/** Undoes {@link applySudokuTransform}: inverse digits, then cells back where they came from. */
export function invertSudokuTransform(g: Uint8Array, t: SudokuTransform): Uint8Array {
  const { size, digits, transpose, rowPerm, colPerm } = t;
  const back = new Array<number>(digits.length).fill(0);
  digits.forEach((d, i) => back[d] = i);
  const out = new Uint8Array(g.length);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const sr = rowPerm[r]!, sc = colPerm[c]!;
      const src = transpose ? sc * size + sr : sr * size + sc;
      out[src] = back[g[r * size + c]!] ?? 0;
    }
  }
  return out;
}

/** The reference's `shuffle_sudoku`: one random {@link SudokuTransform} of question and answer alike. */
export function augmentSudoku(p: SudokuPuzzle, prng: Prng): SudokuPuzzle {
  const t = randomSudokuTransform(p.size, prng);
  return {
    kind: "sudoku",
    size: p.size,
    question: applySudokuTransform(p.question, t),
    answer: applySudokuTransform(p.answer, t),
  };
}

/** A permutation of groups x width lines that moves whole groups and lines only within a group. */
function blockPermutation(groups: number, width: number, prng: Prng): number[] {
  return prng.permutation(groups).flatMap((g) => prng.permutation(width).map((i) => g * width + i));
}
