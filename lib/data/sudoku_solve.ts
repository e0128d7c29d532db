/**
 * Solving and checking Sudoku: a bitmask solver that counts solutions (and,
 * shuffled, yields random full grids for the generator), a validator of
 * finished grids and a checker of whole puzzles.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { boxShape, type SudokuPuzzle, type SudokuSize } from "./sudoku.ts";

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

/** A uniformly shuffled search yields a random full grid (the generator starts from one). */
export function randomFullGrid(size: SudokuSize, prng: Prng): Uint8Array {
  return runSearch(new Uint8Array(size * size), size, 1, prng).solution!;
}
