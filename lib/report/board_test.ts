import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { encodeSudoku } from "../data/sudoku.ts";
import { boardRow, boardSvg, mazeBoard, sudokuBoard } from "./board.ts";
import { answerStrip, traceFrames } from "./board_strip.ts";
import { rasterize } from "./render.ts";

const question = Uint8Array.from([1, 0, 0, 4, 0, 4, 1, 0, 0, 1, 4, 0, 4, 0, 0, 1]);
const answer = Uint8Array.from([1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1]);

function count(svg: string, re: RegExp): number {
  return svg.match(re)?.length ?? 0;
}

Deno.test("sudokuBoard() and boardSvg() draw every cell, digits and box lines", () => {
  const svg = boardSvg(sudokuBoard(answer, question), { title: "4x4" });
  assertEquals(count(svg, /class="cell"/g), 16);
  assertEquals(count(svg, /<text[^>]*>\d<\/text>/g), 16);
  assertEquals(count(svg, /font-weight="bold">\d/g), 8); // the givens
  assertEquals(count(svg, /stroke-width="2"\/>/g), 6); // 3 + 3 box lines
  assertThrows(() => sudokuBoard(new Uint8Array(15)), "16, 36 or 81 cells; got 15");
});

Deno.test("boardSvg() colours ARC and maze cells and crosses wrong ones", () => {
  const arc = boardSvg({ kind: "arc", rows: 2, cols: 2, cells: [0, 1, 2, 9] }, {
    marks: { wrong: [0, 1, 0, 0] },
  });
  for (const c of ["#000000", "#0074d9", "#ff4136", "#870c25"]) {
    assert(arc.includes(`fill="${c}"`), c);
  }
  assertEquals(count(arc, /class="wrong"/g), 1);
  const maze = boardSvg(mazeBoard([1, 1, 1, 3, 5, 4, 1, 2, 1])); // wall, start, path, goal, open
  for (const c of ["#2d2d2d", "#2ecc40", "#4a90d9", "#ff4136", "#ffffff"]) {
    assert(maze.includes(`fill="${c}"`), c);
  }
  assertThrows(() => mazeBoard([1, 2]), "a maze grid is square; got 2 cells");
  assertThrows(
    () => boardSvg({ kind: "arc", rows: 2, cols: 2, cells: [0] }),
    "needs 4 cells, got 1",
  );
});

Deno.test("answerStrip() outlines changed cells and marks wrong ones per frame", () => {
  const f1 = Uint8Array.from(answer, (v, i) => (i === 1 || i === 2 ? 1 : v)); // 2 wrong
  const f2 = Uint8Array.from(answer, (v, i) => (i === 2 ? 1 : v)); // 1 changed, 1 wrong
  const frames = [
    { label: "step 1", cells: f1, haltProb: 0.1 },
    { label: "step 2", cells: f2, haltProb: 0.4 },
    { label: "step 3", cells: answer, haltProb: 0.9 },
  ];
  const svg = answerStrip(sudokuBoard(question, question), frames, { answer });
  assertEquals(count(svg, /class="board"/g), 5); // question, 3 steps, answer
  assertEquals(count(svg, /class="changed"/g), 2); // step 2: cell 1; step 3: cell 2
  assertEquals(count(svg, /fill="#fde0dd"/g), 3); // wrong: 2 + 1 + 0
  assert(svg.includes("halt p=0.90") && svg.includes(">answer<"));
  const wrapped = answerStrip(sudokuBoard(question, question), frames, { perRow: 2 });
  const ys = [...wrapped.matchAll(/class="board" transform="translate\(\d+,(\d+)\)"/g)].map((m) =>
    m[1]
  );
  assertEquals(new Set(ys).size, 2); // question + 3 frames in two rows
  // Frames that are not a sequence (trajectories side by side): no outlines, no legend for them.
  const side = answerStrip(sudokuBoard(question, question), frames, { answer, changed: false });
  assertEquals(count(side, /class="changed"/g), 0);
  assert(!side.includes("changed since") && side.includes("wrong against the answer"));
  assertThrows(
    () => answerStrip(sudokuBoard(question), [{ label: "bad", cells: [1, 2] }]),
    'frame "bad" has 2 cells, the question 16',
  );
});

Deno.test("traceFrames() decodes each step's tokens for one puzzle of the batch", () => {
  const other = new Uint8Array(16);
  const trace = {
    predictions: [0, 1].map((k) => {
      const grid = k === 0 ? question : answer;
      return Int32Array.from([...encodeSudoku(other), ...encodeSudoku(grid)]);
    }),
    haltProb: [Float32Array.from([0, 0.2]), Float32Array.from([0, 0.8])],
  };
  const frames = traceFrames(trace, { puzzle: 1 });
  assertEquals(frames.map((f) => [f.label, f.haltProb]), [["step 1", trace.haltProb[0]![1]], [
    "step 2",
    trace.haltProb[1]![1],
  ]]);
  assertEquals(Array.from(frames[1]!.cells), Array.from(answer));
  assertThrows(() => traceFrames(trace, { puzzle: 2 }), "puzzle 2 is not in the trace (2 puzzles)");
  const perRecursion = { ...trace, steps: [{ step: 1, recursion: 1 }, { step: 1, recursion: 2 }] };
  assertEquals(traceFrames(perRecursion).map((f) => f.label), ["step 1, rec 1", "step 1, rec 2"]);
});

Deno.test("answerStrip() rasterises with its digits visible", () => {
  const svg = answerStrip(sudokuBoard(question, question), [{ label: "step 1", cells: answer }]);
  const img = rasterize(svg, { scale: 1 });
  let dark = 0;
  for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i]! < 60) dark++;
  assert(dark > 400, `${dark} dark pixels`);
});

Deno.test("boardRow() lays out boards of different sizes under their labels", () => {
  const svg = boardRow([
    { label: "in", board: { kind: "arc", rows: 2, cols: 3, cells: [0, 1, 2, 3, 4, 5] } },
    { label: "out", board: { kind: "arc", rows: 1, cols: 1, cells: [9] } },
  ], { title: "a task" });
  assertEquals((svg.match(/<rect/g) ?? []).length >= 7, true);
  for (const t of ["in", "out", "a task"]) assertEquals(svg.includes(`>${t}</text>`), true);
});
