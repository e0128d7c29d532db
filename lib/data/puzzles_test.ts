import { assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { formatMazeCsv, parseMazeCsv } from "./maze_io.ts";
import { augmentMaze } from "./maze_augment.ts";
import { generateMaze } from "./maze_generate.ts";
import { augmentPuzzle } from "./puzzles.ts";
import { augmentSudoku } from "./sudoku_augment.ts";
import { generateSudoku } from "./sudoku_generate.ts";
import { formatSudokuCsv, parseSudokuText } from "./sudoku_io.ts";

Deno.test("every puzzle carries its kind: generated, augmented and read from files", () => {
  const sudoku = generateSudoku({ size: 4, blanks: 8, prng: new Prng(0) });
  const maze = generateMaze({ size: 7, prng: new Prng(0) });
  const read = parseSudokuText(formatSudokuCsv([sudoku]), "s.csv").puzzles[0]!;
  const readMaze = parseMazeCsv(formatMazeCsv([maze]), "m.csv").puzzles[0]!;
  assertEquals([sudoku.kind, augmentSudoku(sudoku, new Prng(1)).kind, read.kind], [
    "sudoku",
    "sudoku",
    "sudoku",
  ]);
  assertEquals([maze.kind, augmentMaze(maze, new Prng(1)).kind, readMaze.kind], [
    "maze",
    "maze",
    "maze",
  ]);
});

Deno.test("augmentPuzzle() picks the augmentation by kind", () => {
  const sudoku = generateSudoku({ size: 6, blanks: 12, prng: new Prng(2) });
  const maze = generateMaze({ size: 7, prng: new Prng(2) });
  assertEquals(augmentPuzzle(sudoku, new Prng(3)), augmentSudoku(sudoku, new Prng(3)));
  assertEquals(augmentPuzzle(maze, new Prng(3)), augmentMaze(maze, new Prng(3)));
});
