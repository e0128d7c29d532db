import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import type { SudokuPuzzle, SudokuSize } from "./sudoku.ts";
import { checkPuzzle, isSolvedGrid, solveSudoku } from "./sudoku_solve.ts";
import { blanks, grid, SMALL, WIKI_ANSWER, WIKI_QUESTION } from "./testdata/sudoku.ts";

Deno.test("solveSudoku() solves a known 9x9 puzzle", () => {
  const r = solveSudoku(WIKI_QUESTION, 9);
  assertEquals(r.count, 1);
  assertEquals(r.solution, WIKI_ANSWER);
  assert(r.nodes >= blanks(WIKI_QUESTION));
});

Deno.test("solveSudoku() counts all 288 4x4 grids and stops at the limit", () => {
  assertEquals(solveSudoku(new Uint8Array(16), 4, { limit: 1000 }).count, 288);
  assertEquals(solveSudoku(new Uint8Array(81), 9).count, 2);
  assertEquals(solveSudoku(new Uint8Array(36), 6, { limit: 1 }).count, 1);
});

Deno.test("solveSudoku() finds no solution when givens clash or lead nowhere", () => {
  const clash = new Uint8Array(16);
  clash[0] = 1, clash[3] = 1;
  assertEquals(solveSudoku(clash, 4).count, 0);
  // Row 1 needs a 4 at r1c4, but column 4 already has one.
  assertEquals(solveSudoku(grid("1230000000000004"), 4).count, 0);
  assertThrows(() => solveSudoku(new Uint8Array(15), 4), "length 15");
  assertThrows(() => solveSudoku(grid("5000000000000000"), 4), "out of range at r1c1");
});

Deno.test("isSolvedGrid() accepts complete valid grids only", () => {
  assert(isSolvedGrid(WIKI_ANSWER, 9));
  assert(isSolvedGrid(SMALL.answer, 4));
  assert(!isSolvedGrid(SMALL.question, 4));
  assert(!isSolvedGrid(grid("1234341221434312"), 4));
  assert(!isSolvedGrid(grid("1234123412341234"), 4));
  assert(!isSolvedGrid(WIKI_ANSWER.subarray(1), 9));
  assert(!isSolvedGrid(grid("5234341221434321"), 4));
});

Deno.test("checkPuzzle() names the first problem", () => {
  const bad = (p: Partial<SudokuPuzzle>, opts = {}) => checkPuzzle({ ...SMALL, ...p }, opts);
  assertEquals(checkPuzzle(SMALL, { requireUnique: true }), null);
  assertEquals(bad({ question: new Uint8Array(15) }), "question has wrong length 15 (expected 16)");
  assertEquals(
    bad({ question: grid("0007300001000020") }),
    "question value 7 out of range at r1c4",
  );
  assertEquals(
    bad({ answer: grid("1234341221434312") }),
    "answer is not a valid grid: digit 1 twice in a column (at r4c3)",
  );
  assertEquals(
    bad({ answer: grid("1234341221434320") }),
    "answer is not a valid grid: blank at r4c4",
  );
  assertEquals(
    bad({ question: grid("0004300001000030") }),
    "given 3 at r4c3 disagrees with the answer 2",
  );
  assertEquals(bad({ question: grid("0004300000000000") }), null);
  assertEquals(
    bad({ question: grid("0004300000000000") }, { requireUnique: true }),
    "puzzle has multiple solutions",
  );
  assertEquals(bad({ size: 5 as SudokuSize }), "unsupported size 5 (expected 4, 6 or 9)");
});
