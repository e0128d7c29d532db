/**
 * Generating Sudoku: random puzzles with a unique solution and a set number of
 * blanks (carved from random full grids), and distinct sets of them.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { distinctSet } from "./distinct.ts";
import { puzzleKey, type SudokuPuzzle, type SudokuSize } from "./sudoku.ts";
import { randomFullGrid, solveSudoku } from "./sudoku_solve.ts";

/** Fewest givens with a unique solution (known results), so the most blanks we can ask for. */
const MIN_GIVENS: Record<SudokuSize, number> = { 4: 4, 6: 8, 9: 17 };
/** Fresh full grids tried before generateSudoku gives up. */
const MAX_ATTEMPTS = 500;

/**
 * Blanks cells of a full grid in random order, keeping each removal only if
 * the solution stays unique; returns null if `blanks` is not reached.
 */
function carvePuzzle(
  answer: Uint8Array,
  size: SudokuSize,
  blanks: number,
  prng: Prng,
): Uint8Array | null {
  const question = answer.slice();
  let removed = 0;
  for (const i of prng.permutation(question.length)) {
    if (removed === blanks) break;
    question[i] = 0;
    if (solveSudoku(question, size, { limit: 2 }).count === 1) removed++;
    else question[i] = answer[i]!;
  }
  return removed === blanks ? question : null;
}

/**
 * A random puzzle with exactly `blanks` blank cells and a unique solution.
 * Difficulty knobs: `blanks`, and `minNodes`, which rejects puzzles that
 * `solveSudoku(question, size).nodes` finds below it (those solvable with
 * little or no guessing).
 * Throws if no such puzzle turns up within a bounded number of fresh grids.
 */
export function generateSudoku(
  opts: { size: SudokuSize; blanks: number; prng: Prng; minNodes?: number },
): SudokuPuzzle {
  const { size, blanks, prng, minNodes = 0 } = opts;
  const maxBlanks = size * size - MIN_GIVENS[size];
  if (!Number.isInteger(blanks) || blanks < 0 || blanks > maxBlanks) {
    throw new Error(
      `blanks must be an integer in [0, ${maxBlanks}] for ${size}x${size} Sudoku, got ${blanks}`,
    );
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const answer = randomFullGrid(size, prng);
    const question = carvePuzzle(answer, size, blanks, prng);
    if (!question) continue;
    if (minNodes > 0 && solveSudoku(question, size).nodes < minNodes) continue;
    return { kind: "sudoku", size, question, answer };
  }
  throw new Error(
    `Could not generate a ${size}x${size} Sudoku with ${blanks} blanks` +
      (minNodes > 0 ? ` and at least ${minNodes} search nodes` : "") +
      ` after ${MAX_ATTEMPTS} attempts; ask for fewer blanks or a lower minNodes`,
  );
}
/**
 * `count` distinct puzzles (by question), none of whose keys is in `exclude`,
 * so a test set can be made disjoint from a training set.
 */
export function generateSudokuSet(
  count: number,
  opts: {
    size: SudokuSize;
    blanks: number;
    prng: Prng;
    minNodes?: number;
    exclude?: Set<string>;
    onProgress?: (done: number, total: number) => void;
  },
): SudokuPuzzle[] {
  return distinctSet(count, () => generateSudoku(opts), puzzleKey, { ...opts, noun: "puzzles" });
}
