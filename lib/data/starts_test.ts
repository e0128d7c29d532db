import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { encodePuzzles } from "./encoding.ts";
import { generateMaze } from "./maze_generate.ts";
import { encodeSudoku } from "./sudoku.ts";
import { generateSudokuSet } from "./sudoku_generate.ts";
import { augmentedStart, trajectoryRows } from "./starts.ts";

const sudoku = generateSudokuSet(3, { size: 6, blanks: 20, prng: new Prng(9) });
const maze = generateMaze({ size: 8, prng: new Prng(10) });

Deno.test("augmentedStart() gives a transformed puzzle whose answers map back to the original", () => {
  const prng = new Prng(8);
  let moved = 0;
  for (const puzzle of [...sudoku, maze, maze, maze]) {
    const v = augmentedStart(puzzle, prng);
    const original = puzzle.kind === "maze"
      ? Int32Array.from(puzzle.answer)
      : encodeSudoku(puzzle.answer);
    assertEquals(v.back!(v.labels), original);
    if (v.labels.some((t, i) => t !== original[i])) moved++;
  }
  assert(moved >= 4, `most starts differ from the puzzle (${moved} of 6)`);
  const arc = { kind: "arc" } as unknown as Parameters<typeof augmentedStart>[0];
  assertThrows(() => augmentedStart(arc, prng), "need Sudoku or maze puzzles");
});

Deno.test("trajectoryRows() puts K rows per puzzle, the first as it is, in an order that ignores batching", () => {
  const data = encodePuzzles(sudoku);
  const same = trajectoryRows(sudoku, data, {
    count: 2,
    samples: 3,
    start: "same",
    prng: new Prng(1),
  });
  assertEquals(same.length, 6);
  assert(same.every((r, i) => r.back === undefined && r.inputs === same[i - (i % 3)]!.inputs));
  const a = trajectoryRows(sudoku, data, {
    count: 3,
    samples: 3,
    start: "augment",
    prng: new Prng(1),
  });
  const b = trajectoryRows(sudoku, data, {
    count: 2,
    samples: 3,
    start: "augment",
    prng: new Prng(1),
  });
  assertEquals(a[0]!.back, undefined);
  assertEquals(Array.from(a[0]!.inputs), Array.from(encodeSudoku(sudoku[0]!.question)));
  assert(a[1]!.back !== undefined && a[4]!.back !== undefined);
  // Fewer puzzles draw the same starts for the ones they have.
  for (let i = 0; i < b.length; i++) assertEquals(b[i]!.inputs, a[i]!.inputs);
});
