import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { generateMaze } from "./maze_generate.ts";
import { encodeSudoku } from "./sudoku.ts";
import { generateSudoku } from "./sudoku_generate.ts";
import { checkSudokuAnswer, tokenRuleCheck } from "./verify.ts";

const p = generateSudoku({ size: 6, blanks: 20, prng: new Prng(3) });

Deno.test("checkSudokuAnswer() accepts the solution and rejects repeats, blanks and changed givens", () => {
  assertEquals(checkSudokuAnswer(p.question, p.answer, 6), null);
  // Two cells of a row swapped: both rows keep their digits, the columns repeat.
  const blankAt = p.question.indexOf(0), row = Math.floor(blankAt / 6);
  const other = [0, 1, 2, 3, 4, 5].map((c) => row * 6 + c).find((i) => i !== blankAt)!;
  const swapped = p.answer.slice();
  [swapped[blankAt], swapped[other]] = [swapped[other]!, swapped[blankAt]!];
  assert(checkSudokuAnswer(p.question, swapped, 6) !== null);
  const withBlank = p.answer.slice();
  withBlank[blankAt] = 0;
  assertEquals(checkSudokuAnswer(p.question, withBlank, 6), "not a complete grid without repeats");
  // A valid grid that does not keep a given: relabel two digits everywhere.
  const relabelled = p.answer.map((v) => (v === 1 ? 2 : v === 2 ? 1 : v));
  assert(checkSudokuAnswer(new Uint8Array(36), relabelled, 6) === null, "valid as a grid");
  assert(checkSudokuAnswer(p.question, relabelled, 6)!.startsWith("given"));
  assert(checkSudokuAnswer(p.question, p.answer.subarray(1), 6)!.startsWith("expected 36"));
});

Deno.test("tokenRuleCheck() reads model tokens for Sudoku and mazes", () => {
  const sudoku = tokenRuleCheck({ task: "sudoku", size: 6 });
  assertEquals(sudoku(encodeSudoku(p.question), encodeSudoku(p.answer)), null);
  assert(sudoku(encodeSudoku(p.question), encodeSudoku(p.question)) !== null);
  const m = generateMaze({ size: 8, prng: new Prng(4) });
  const maze = tokenRuleCheck({ task: "maze", size: 8 });
  assertEquals(maze(m.question, m.answer), null);
  assert(maze(m.question, m.question) !== null, "no path marked");
});
