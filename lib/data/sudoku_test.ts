import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import {
  applySudokuTransform,
  augmentSudoku,
  boxShape,
  checkPuzzle,
  decodeSudoku,
  encodeSudoku,
  formatSudoku,
  generateSudoku,
  generateSudokuSet,
  invertSudokuTransform,
  isSolvedGrid,
  puzzleKey,
  randomSudokuTransform,
  solveSudoku,
  type SudokuPuzzle,
  type SudokuSize,
  sudokuVocabSize,
} from "./sudoku.ts";

const SIZES: SudokuSize[] = [4, 6, 9];
/** Blanks per size used in the tests: comfortably reachable, so the tests stay fast. */
const BLANKS: Record<SudokuSize, number> = { 4: 10, 6: 20, 9: 50 };

/** Digits, with '.' or '0' for blanks, to a grid. */
function grid(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => (ch === "." ? 0 : Number(ch)));
}

const WIKI_QUESTION = grid(
  "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
);
const WIKI_ANSWER = grid(
  "534678912672195348198342567859761423426853791713924856961537284287419635345286179",
);
const SMALL: SudokuPuzzle = {
  size: 4,
  question: grid("0004300001000020"),
  answer: grid("1234341221434321"),
};

/** Blank cells of a grid. */
function blanks(g: Uint8Array): number {
  return g.filter((v) => v === 0).length;
}

/** Asserts everything a usable puzzle must satisfy, with a unique solution. */
function assertGoodPuzzle(p: SudokuPuzzle): void {
  assertEquals(checkPuzzle(p, { requireUnique: true }), null);
  const { count, solution } = solveSudoku(p.question, p.size);
  assertEquals(count, 1);
  assertEquals(solution, p.answer);
}

Deno.test("boxShape() gives 2x2, 2x3 and 3x3 boxes", () => {
  assertEquals(boxShape(4), { rows: 2, cols: 2 });
  assertEquals(boxShape(6), { rows: 2, cols: 3 });
  assertEquals(boxShape(9), { rows: 3, cols: 3 });
  assertThrows(() => boxShape(5 as SudokuSize), "Unsupported Sudoku size 5");
});

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

Deno.test("puzzleKey() is the question's digits", () => {
  assertEquals(puzzleKey(SMALL), "0004300001000020");
});

/**
 * The cell map and digit map an augmentation applies, found by augmenting
 * one-given probes with the same seed (the draws do not depend on content).
 */
function probeAugment(size: SudokuSize, seed: number): { cells: number[]; digits: number[] } {
  const n = size * size;
  const cells = Array.from({ length: n }, (_, k) => {
    const question = new Uint8Array(n);
    question[k] = 1;
    const out = augmentSudoku({ size, question, answer: question }, new Prng(seed)).question;
    assertEquals(blanks(out), n - 1);
    return out.findIndex((v) => v !== 0);
  });
  const digits = Array.from({ length: size + 1 }, (_, d) => {
    const question = new Uint8Array(n).fill(d);
    return augmentSudoku({ size, question, answer: question }, new Prng(seed)).question[0]!;
  });
  return { cells, digits };
}

/** Which row, column and box each cell is in. */
function unitsOfCell(size: SudokuSize, i: number): { row: number; col: number; box: number } {
  const { rows, cols } = boxShape(size);
  const row = Math.floor(i / size), col = i % size;
  return { row, col, box: Math.floor(row / rows) * rows + Math.floor(col / cols) };
}

Deno.test("augmentSudoku() permutes cells and digits and keeps boxes whole", () => {
  for (const size of SIZES) {
    let transposed = 0;
    for (let seed = 0; seed < 20; seed++) {
      const { cells, digits } = probeAugment(size, seed);
      assertEquals(
        [...cells].sort((a, b) => a - b),
        Array.from({ length: size * size }, (_, i) => i),
      );
      assertEquals(digits[0], 0);
      assertEquals(digits.slice(1).sort(), Array.from({ length: size }, (_, i) => i + 1));
      for (let i = 0; i < size * size; i++) {
        for (let j = 0; j < size * size; j++) {
          const a = unitsOfCell(size, i), b = unitsOfCell(size, j);
          const fa = unitsOfCell(size, cells[i]!), fb = unitsOfCell(size, cells[j]!);
          assertEquals(a.box === b.box, fa.box === fb.box, `size ${size} seed ${seed}`);
          const sameLine = a.row === b.row || a.col === b.col;
          assertEquals(sameLine, fa.row === fb.row || fa.col === fb.col);
        }
      }
      const first = unitsOfCell(size, cells[0]!), second = unitsOfCell(size, cells[1]!);
      if (first.col === second.col) transposed++;
    }
    if (size === 6) {
      assertEquals(transposed, 0, "6x6 must never transpose: 2x3 boxes would become 3x2");
    } else assert(transposed > 0 && transposed < 20, `${size}x${size} transposed ${transposed}/20`);
  }
});

Deno.test("augmentSudoku() keeps puzzles valid, unique and consistent", () => {
  const prng = new Prng(11);
  for (const size of SIZES) {
    const p = generateSudoku({ size, blanks: BLANKS[size], prng });
    const seen = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const q = augmentSudoku(p, new Prng(seed));
      assert(isSolvedGrid(q.answer, size));
      assertEquals(blanks(q.question), blanks(p.question));
      assertGoodPuzzle(q);
      seen.add(puzzleKey(q));
    }
    assert(seen.size > 5, `augmentations of ${size}x${size} should differ`);
    assertEquals(augmentSudoku(p, new Prng(1)), augmentSudoku(p, new Prng(1)));
  }
});

Deno.test("invertSudokuTransform() undoes applySudokuTransform() exactly", () => {
  const prng = new Prng(12);
  for (const size of SIZES) {
    const p = generateSudoku({ size, blanks: BLANKS[size], prng });
    for (let seed = 0; seed < 10; seed++) {
      const t = randomSudokuTransform(size, new Prng(seed));
      const q = applySudokuTransform(p.question, t);
      assertEquals(invertSudokuTransform(q, t), p.question);
      assertEquals(invertSudokuTransform(applySudokuTransform(p.answer, t), t), p.answer);
      // The same draws as augmentSudoku, so the transform is the augmentation.
      assertEquals(q, augmentSudoku(p, new Prng(seed)).question);
    }
  }
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
