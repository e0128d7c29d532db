import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { boxShape, puzzleKey, type SudokuSize } from "./sudoku.ts";
import {
  applySudokuTransform,
  augmentSudoku,
  invertSudokuTransform,
  randomSudokuTransform,
} from "./sudoku_augment.ts";
import { generateSudoku } from "./sudoku_generate.ts";
import { isSolvedGrid } from "./sudoku_solve.ts";
import { assertGoodPuzzle, BLANKS, blanks, SIZES } from "./testdata/sudoku.ts";

/**
 * The cell map and digit map an augmentation applies, found by augmenting
 * one-given probes with the same seed (the draws do not depend on content).
 */
function probeAugment(size: SudokuSize, seed: number): { cells: number[]; digits: number[] } {
  const n = size * size;
  const cells = Array.from({ length: n }, (_, k) => {
    const question = new Uint8Array(n);
    question[k] = 1;
    const out =
      augmentSudoku({ kind: "sudoku", size, question, answer: question }, new Prng(seed)).question;
    assertEquals(blanks(out), n - 1);
    return out.findIndex((v) => v !== 0);
  });
  const digits = Array.from({ length: size + 1 }, (_, d) => {
    const question = new Uint8Array(n).fill(d);
    return augmentSudoku({ kind: "sudoku", size, question, answer: question }, new Prng(seed))
      .question[0]!;
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
