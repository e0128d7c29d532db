/** Sudoku fixtures shared by the Sudoku tests: a known 9x9 puzzle, a small 4x4 one, helpers. */
import { assertEquals } from "../../util/assert.ts";
import type { SudokuPuzzle, SudokuSize } from "../sudoku.ts";
import { checkPuzzle, solveSudoku } from "../sudoku_solve.ts";

export const SIZES: SudokuSize[] = [4, 6, 9];
/** Blanks per size used in the tests: comfortably reachable, so the tests stay fast. */
export const BLANKS: Record<SudokuSize, number> = { 4: 10, 6: 20, 9: 50 };

/** Digits, with '.' or '0' for blanks, to a grid. */
export function grid(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => (ch === "." ? 0 : Number(ch)));
}

export const WIKI_QUESTION = grid(
  "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
);
export const WIKI_ANSWER = grid(
  "534678912672195348198342567859761423426853791713924856961537284287419635345286179",
);
export const SMALL: SudokuPuzzle = {
  kind: "sudoku",
  size: 4,
  question: grid("0004300001000020"),
  answer: grid("1234341221434321"),
};

/** Blank cells of a grid. */
export function blanks(g: Uint8Array): number {
  return g.filter((v) => v === 0).length;
}

/** Asserts everything a usable puzzle must satisfy, with a unique solution. */
export function assertGoodPuzzle(p: SudokuPuzzle): void {
  assertEquals(checkPuzzle(p, { requireUnique: true }), null);
  const { count, solution } = solveSudoku(p.question, p.size);
  assertEquals(count, 1);
  assertEquals(solution, p.answer);
}
