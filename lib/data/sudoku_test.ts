import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  boxShape,
  decodeSudoku,
  encodeSudoku,
  formatSudoku,
  puzzleKey,
  type SudokuSize,
  sudokuVocabSize,
} from "./sudoku.ts";
import { SIZES, SMALL, WIKI_ANSWER, WIKI_QUESTION } from "./testdata/sudoku.ts";

Deno.test("boxShape() gives 2x2, 2x3 and 3x3 boxes", () => {
  assertEquals(boxShape(4), { rows: 2, cols: 2 });
  assertEquals(boxShape(6), { rows: 2, cols: 3 });
  assertEquals(boxShape(9), { rows: 3, cols: 3 });
  assertThrows(() => boxShape(5 as SudokuSize), "Unsupported Sudoku size 5");
});

Deno.test("puzzleKey() is the question's digits", () => {
  assertEquals(puzzleKey(SMALL), "0004300001000020");
});

Deno.test("encodeSudoku() and decodeSudoku() round-trip with 1 = blank and 0 = PAD", () => {
  assertEquals(Array.from(encodeSudoku(SMALL.question)), Array.from(SMALL.question, (v) => v + 1));
  assertEquals(decodeSudoku(encodeSudoku(WIKI_QUESTION)), WIKI_QUESTION);
  assertEquals(decodeSudoku([0, 1, 2, 10]), Uint8Array.from([0, 0, 1, 9]));
  assert(encodeSudoku(WIKI_ANSWER).every((t) => t >= 2 && t < sudokuVocabSize(9)));
});

Deno.test("sudokuVocabSize() is size + 2, 11 for 9x9 as in the reference", () => {
  assertEquals(SIZES.map(sudokuVocabSize), [6, 8, 11]);
});

Deno.test("formatSudoku() draws boxes, dots for blanks and brackets for highlights", () => {
  assertEquals(
    formatSudoku(SMALL.question, 4),
    [". . | . 4", "3 . | . .", "----+----", ". 1 | . .", ". . | 2 ."].join("\n"),
  );
  const highlight = new Uint8Array(16);
  highlight[3] = 1;
  assertEquals(formatSudoku(SMALL.question, 4, { highlight }).split("\n")[0], " .  . | . [4]");
  const six = formatSudoku(new Uint8Array(36), 6).split("\n");
  assertEquals(six.length, 8);
  assertEquals(six[0], ". . . | . . .");
  assertEquals(six[2], "------+------");
  assertEquals(formatSudoku(WIKI_QUESTION, 9).split("\n").length, 11);
});
