/**
 * Sudoku for the TRM experiments (paper section 5.2, Sudoku-Extreme): a
 * bitmask solver that counts solutions, a generator of unique-solution
 * puzzles, a validator, the reference augmentation (`shuffle_sudoku`) and the
 * token encoding (value + 1, PAD = 0). Works for 4x4, 6x6 (2x3 boxes) and 9x9.
 *
 * @module
 */
import { distinctSet } from "./distinct.ts";
import type { Prng } from "../util/prng.ts";

/** Side length of the grid; boxes are 2x2, 2 rows x 3 columns, and 3x3. */
export type SudokuSize = 4 | 6 | 9;

/** A puzzle and its solution, row-major; 0 is a blank, 1..size are digits. */
export interface SudokuPuzzle {
  size: SudokuSize;
  question: Uint8Array;
  answer: Uint8Array;
}

const BOX_SHAPES: Record<SudokuSize, { rows: number; cols: number }> = {
  4: { rows: 2, cols: 2 },
  6: { rows: 2, cols: 3 },
  9: { rows: 3, cols: 3 },
};

/** Box shape for a grid size: 4 -> 2x2, 6 -> 2 rows x 3 columns, 9 -> 3x3. */
export function boxShape(size: SudokuSize): { rows: number; cols: number } {
  const box = BOX_SHAPES[size];
  if (!box) throw new Error(`Unsupported Sudoku size ${size} (expected 4, 6 or 9)`);
  return { ...box };
}

/** Fewest givens with a unique solution (known results), so the most blanks we can ask for. */
const MIN_GIVENS: Record<SudokuSize, number> = { 4: 4, 6: 8, 9: 17 };
/** Fresh full grids tried before generateSudoku gives up. */
const MAX_ATTEMPTS = 500;
const UNIT_NAMES = ["row", "column", "box"] as const;

/**
 * For each cell, the indices of its row, column and box in one array of unit
 * masks (rows first, then columns, then boxes); built once per size because
 * the solver reads it in its inner loop.
 */
const unitTables = new Map<SudokuSize, Uint8Array>();

function unitsOf(size: SudokuSize): Uint8Array {
  let units = unitTables.get(size);
  if (units) return units;
  const box = boxShape(size);
  units = new Uint8Array(3 * size * size);
  for (let i = 0; i < size * size; i++) {
    const r = Math.floor(i / size), c = i % size;
    const b = Math.floor(r / box.rows) * box.rows + Math.floor(c / box.cols);
    units.set([r, size + c, 2 * size + b], 3 * i);
  }
  unitTables.set(size, units);
  return units;
}

/** Bits set in a 9-bit mask, by table: the solver's hottest operation. */
const POPCOUNT = Uint8Array.from({ length: 512 }, (_, m) => {
  let k = 0;
  for (let x = m; x; x &= x - 1) k++;
  return k;
});

/**
 * Marks the givens in `used` (bit d-1 set: digit d taken in that unit) and
 * describes the first digit that is already taken in one of its units.
 */
function markGivens(grid: Uint8Array, size: SudokuSize, used: Int32Array): string | null {
  const units = unitsOf(size);
  for (let i = 0; i < grid.length; i++) {
    const v = grid[i]!;
    if (v === 0) continue;
    if (v > size) throw new Error(`Sudoku value ${v} out of range at ${cellName(i, size)}`);
    const bit = 1 << (v - 1);
    for (let k = 0; k < 3; k++) {
      const u = units[3 * i + k]!;
      if (used[u]! & bit) return `digit ${v} twice in a ${UNIT_NAMES[k]} (at ${cellName(i, size)})`;
      used[u]! |= bit;
    }
  }
  return null;
}

type SolveResult = { count: number; solution?: Uint8Array; nodes: number };

/**
 * Depth-first search on a copy of `grid` that always branches on the blank
 * cell with the fewest candidates, stopping after `limit` solutions. With a
 * `prng` the candidates are tried in random order, which yields random full
 * grids. A clash between givens means no solution.
 */
function runSearch(grid: Uint8Array, size: SudokuSize, limit: number, prng?: Prng): SolveResult {
  if (grid.length !== size * size) {
    throw new Error(`Sudoku grid has length ${grid.length}, expected ${size * size}`);
  }
  const out: SolveResult = { count: 0, nodes: 0 };
  const units = unitsOf(size), used = new Int32Array(3 * size), g = grid.slice();
  if (markGivens(g, size, used) !== null) return out;
  const full = (1 << size) - 1;
  const search = (): void => {
    out.nodes++;
    let best = -1, bestCount = size + 1, bestMask = 0;
    for (let i = 0; i < g.length; i++) {
      if (g[i] !== 0) continue;
      const m = full &
        ~(used[units[3 * i]!]! | used[units[3 * i + 1]!]! | used[units[3 * i + 2]!]!);
      const k = POPCOUNT[m]!;
      if (k < bestCount) {
        best = i, bestCount = k, bestMask = m;
        if (k <= 1) break;
      }
    }
    if (best < 0) {
      out.count++;
      out.solution ??= g.slice();
      return;
    }
    const a = units[3 * best]!, b = units[3 * best + 1]!, c = units[3 * best + 2]!;
    for (const d of candidateDigits(bestMask, prng)) {
      const bit = 1 << (d - 1);
      g[best] = d;
      used[a]! |= bit, used[b]! |= bit, used[c]! |= bit;
      search();
      used[a]! &= ~bit, used[b]! &= ~bit, used[c]! &= ~bit;
      g[best] = 0;
      if (out.count >= limit) return;
    }
  };
  search();
  return out;
}

/** Digits in a candidate mask, in random order when generating full grids. */
function candidateDigits(mask: number, prng?: Prng): number[] {
  const ds: number[] = [];
  for (let d = 1; mask; d++, mask >>= 1) if (mask & 1) ds.push(d);
  return prng ? prng.shuffle(ds) : ds;
}

/**
 * Counts solutions up to `limit` (default 2, enough to tell unique from not).
 * `nodes` is the number of search nodes visited, proof of uniqueness included
 * when the limit is 2: a difficulty measure, since puzzles solvable by forced
 * moves (naked singles) alone cost one node per blank plus one.
 */
export function solveSudoku(
  grid: Uint8Array,
  size: SudokuSize,
  opts: { limit?: number } = {},
): { count: number; solution?: Uint8Array; nodes: number } {
  return runSearch(grid, size, opts.limit ?? 2);
}

/** Row/column name of a cell, 1-based, as r<row>c<col>. */
function cellName(i: number, size: number): string {
  return `r${Math.floor(i / size) + 1}c${(i % size) + 1}`;
}

/** True when the grid is complete and every row, column and box holds each digit once. */
export function isSolvedGrid(grid: Uint8Array, size: SudokuSize): boolean {
  if (grid.length !== size * size) return false;
  for (const v of grid) if (v < 1 || v > size) return false;
  return markGivens(grid, size, new Int32Array(3 * size)) === null;
}

/** Null when the puzzle is well formed, else a short reason naming the first problem. */
export function checkPuzzle(
  p: SudokuPuzzle,
  opts: { requireUnique?: boolean } = {},
): string | null {
  const { size, question, answer } = p;
  if (size !== 4 && size !== 6 && size !== 9) {
    return `unsupported size ${size} (expected 4, 6 or 9)`;
  }
  const n = size * size;
  for (const [name, g] of [["question", question], ["answer", answer]] as const) {
    if (g.length !== n) return `${name} has wrong length ${g.length} (expected ${n})`;
    const bad = g.findIndex((v) => v > size);
    if (bad >= 0) return `${name} value ${g[bad]} out of range at ${cellName(bad, size)}`;
  }
  const blank = answer.indexOf(0);
  if (blank >= 0) return `answer is not a valid grid: blank at ${cellName(blank, size)}`;
  const conflict = markGivens(answer, size, new Int32Array(3 * size));
  if (conflict) return `answer is not a valid grid: ${conflict}`;
  for (let i = 0; i < n; i++) {
    const q = question[i]!;
    if (q !== 0 && q !== answer[i]) {
      return `given ${q} at ${cellName(i, size)} disagrees with the answer ${answer[i]}`;
    }
  }
  if (opts.requireUnique) {
    const { count } = solveSudoku(question, size, { limit: 2 });
    if (count === 0) return "puzzle has no solution";
    if (count > 1) return "puzzle has multiple solutions";
  }
  return null;
}

/** A uniformly shuffled search yields a random full grid. */
function randomFullGrid(size: SudokuSize, prng: Prng): Uint8Array {
  return runSearch(new Uint8Array(size * size), size, 1, prng).solution!;
}

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
    return { size, question, answer };
  }
  throw new Error(
    `Could not generate a ${size}x${size} Sudoku with ${blanks} blanks` +
      (minNodes > 0 ? ` and at least ${minNodes} search nodes` : "") +
      ` after ${MAX_ATTEMPTS} attempts; ask for fewer blanks or a lower minNodes`,
  );
}

/** Key for deduplication: the question's digits as a string (0 for blanks). */
export function puzzleKey(p: SudokuPuzzle): string {
  return String.fromCharCode(...Array.from(p.question, (v) => 48 + v));
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
    size: p.size,
    question: applySudokuTransform(p.question, t),
    answer: applySudokuTransform(p.answer, t),
  };
}

/** A permutation of groups x width lines that moves whole groups and lines only within a group. */
function blockPermutation(groups: number, width: number, prng: Prng): number[] {
  return prng.permutation(groups).flatMap((g) => prng.permutation(width).map((i) => g * width + i));
}

/** Tokens as in the reference: value + 1, so 1 = blank and 2..size+1 = digits; 0 stays free for PAD. */
export function encodeSudoku(grid: Uint8Array): Int32Array {
  return Int32Array.from(grid, (v) => v + 1);
}

/** Inverse of {@link encodeSudoku}; PAD and blank tokens (< 2) decode to 0. */
export function decodeSudoku(tokens: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(tokens, (t) => (t < 2 ? 0 : t - 1));
}

/** Vocabulary size with PAD and blank: size + 2 (9x9 -> 11, as in the reference). */
export function sudokuVocabSize(size: SudokuSize): number {
  return size + 2;
}

/**
 * A plain-text board with box separators and '.' for blanks. Cells set in
 * `highlight` are wrapped in brackets (e.g. the cells a model got wrong).
 */
export function formatSudoku(
  grid: Uint8Array,
  size: SudokuSize,
  opts: { highlight?: Uint8Array } = {},
): string {
  const box = boxShape(size);
  const { highlight } = opts;
  const cell = (i: number): string => {
    const v = grid[i] ?? 0;
    const ch = v === 0 ? "." : String(v);
    if (!highlight) return ch;
    return highlight[i] ? `[${ch}]` : ` ${ch} `;
  };
  const sep = highlight ? "" : " ";
  const lines: string[] = [];
  for (let r = 0; r < size; r++) {
    const parts: string[] = [];
    for (let c0 = 0; c0 < size; c0 += box.cols) {
      const cells = Array.from({ length: box.cols }, (_, k) => cell(r * size + c0 + k));
      parts.push(cells.join(sep));
    }
    const row = parts.join(highlight ? "|" : " | ");
    // The separator mirrors the row, so it lines up whatever the cell width.
    if (r > 0 && r % box.rows === 0) lines.push(row.replace(/[^|]/g, "-").replaceAll("|", "+"));
    lines.push(row);
  }
  return lines.join("\n");
}
