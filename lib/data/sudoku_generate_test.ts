import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { puzzleKey } from "./sudoku.ts";
import { generateSudoku, generateSudokuSet } from "./sudoku_generate.ts";
import { solveSudoku } from "./sudoku_solve.ts";
import { assertGoodPuzzle, BLANKS, blanks, SIZES } from "./testdata/sudoku.ts";

Deno.test("generateSudoku() gives unique puzzles with the requested blanks, every size", () => {
  const prng = new Prng(0);
  for (const size of SIZES) {
    for (let i = 0; i < 10; i++) {
      const p = generateSudoku({ size, blanks: BLANKS[size], prng });
      assertEquals(p.size, size);
      assertEquals(p.question.length, size * size);
      assertEquals(blanks(p.question), BLANKS[size]);
      assertGoodPuzzle(p);
    }
  }
});

Deno.test("generateSudoku() is determined by the seed", () => {
  for (const size of SIZES) {
    const a = generateSudoku({ size, blanks: BLANKS[size], prng: new Prng(42) });
    const b = generateSudoku({ size, blanks: BLANKS[size], prng: new Prng(42) });
    const c = generateSudoku({ size, blanks: BLANKS[size], prng: new Prng(43) });
    assertEquals(a, b);
    assert(puzzleKey(a) !== puzzleKey(c));
  }
});

Deno.test("generateSudoku() reaches the hardest blank counts on small grids", () => {
  const prng = new Prng(1);
  assertEquals(blanks(generateSudoku({ size: 4, blanks: 12, prng }).question), 12);
  assertEquals(blanks(generateSudoku({ size: 6, blanks: 26, prng }).question), 26);
});

Deno.test("generateSudoku() honours minNodes and rejects impossible requests clearly", () => {
  const prng = new Prng(3);
  const p = generateSudoku({ size: 9, blanks: 50, minNodes: 200, prng });
  assert(solveSudoku(p.question, 9).nodes >= 200);
  assertThrows(
    () => generateSudoku({ size: 4, blanks: 13, prng }),
    "blanks must be an integer in [0, 12]",
  );
  assertThrows(() => generateSudoku({ size: 9, blanks: 2.5, prng }), "blanks must be an integer");
  assertThrows(
    () => generateSudoku({ size: 4, blanks: 6, minNodes: 1000, prng }),
    "Could not generate a 4x4 Sudoku with 6 blanks and at least 1000 search nodes after",
  );
});

Deno.test("generateSudokuSet() gives distinct puzzles and skips excluded ones", () => {
  const prng = new Prng(5);
  const calls: number[] = [];
  const train = generateSudokuSet(50, {
    size: 4,
    blanks: 10,
    prng,
    onProgress: (done) => calls.push(done),
  });
  const keys = new Set(train.map(puzzleKey));
  assertEquals(keys.size, 50);
  assertEquals(calls, Array.from({ length: 50 }, (_, i) => i + 1));
  const test = generateSudokuSet(50, { size: 4, blanks: 10, prng, exclude: keys });
  assert(test.every((p) => !keys.has(puzzleKey(p))));
  // Only 288 full 4x4 grids exist, so 300 distinct puzzles without blanks cannot.
  assertThrows(
    () => generateSudokuSet(300, { size: 4, blanks: 0, prng: new Prng(6) }),
    "Only 288 distinct puzzles",
  );
});
