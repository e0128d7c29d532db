import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { cropArcGrid } from "./arc.ts";
import type { ArcGroup } from "./arc_dataset.ts";
import { type DataConfig, dataProblems, dataShape, defaultDataConfig } from "./config.ts";
import { freshAugment, loadTaskData } from "./datasets.ts";
import { encodePuzzles } from "./encoding.ts";
import type { MazePuzzle } from "./maze.ts";
import { formatMazeCsv } from "./maze_io.ts";
import { checkMazePath, pathLength } from "./maze_solve.ts";
import { Sampler } from "./sampling.ts";

const maze: DataConfig = {
  ...defaultDataConfig,
  task: "maze",
  mazeSize: 8,
  trainPuzzles: 30,
  testPuzzles: 10,
};
const arc: DataConfig = {
  ...defaultDataConfig,
  task: "arc",
  arcCanvas: 8,
  arcAugmentations: 3,
  trainPuzzles: 6,
  testPuzzles: 2,
};

Deno.test("loadTaskData() generates disjoint maze sets with the hardness filter; the sampler transforms them", async () => {
  const d = await loadTaskData(maze, 0);
  assertEquals([d.task, d.vocabSize, d.seqLen, d.numPuzzleIds], ["maze", 6, 64, 1]);
  const train = d.train as MazePuzzle[], test = d.test as MazePuzzle[];
  assert(
    train.every((p) => checkMazePath(p.question, p.answer, 8) === null && pathLength(p.answer) > 7),
  );
  const keys = new Set(train.map((p) => p.question.join("")));
  assert(test.every((p) => !keys.has(p.question.join(""))));
  const e = encodePuzzles(test);
  assertEquals([e.count, e.seqLen, e.puzzleIds], [10, 64, undefined]);
  assertEquals(Array.from(e.inputs.subarray(0, 64)), Array.from(test[0]!.question));
  const batch = new Sampler(train, { augment: true, seed: 1 }).next(40);
  assertEquals(batch.count, 40);
  for (let i = 0; i < 40; i++) {
    const q = Uint8Array.from(batch.inputs.subarray(i * 64, (i + 1) * 64));
    assertEquals(
      checkMazePath(q, Uint8Array.from(batch.labels.subarray(i * 64, (i + 1) * 64)), 8),
      null,
    );
  }
});

Deno.test("loadTaskData() reads maze files and refuses a size that is not mazeSize", async () => {
  const d = await loadTaskData(maze, 0);
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, formatMazeCsv(d.train as MazePuzzle[]));
    const r = await loadTaskData({ ...maze, trainPath: path, testPath: path, trainPuzzles: 5 }, 0);
    assertEquals([r.train.length, r.test.length], [5, 10]);
    await assertRejects(
      () => loadTaskData({ ...maze, mazeSize: 9, trainPath: path }, 0),
      "set mazeSize",
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("loadTaskData() builds generated ARC groups with puzzle ids; the sampler fills batches with them", async () => {
  const d = await loadTaskData(arc, 0);
  assertEquals([d.vocabSize, d.seqLen], [12, 64]);
  const train = d.train as ArcGroup[], test = d.test as ArcGroup[];
  assertEquals([train.length, test.length], [8, 2]); // eval tasks' demos train too
  assertEquals(d.numPuzzleIds, 1 + train.reduce((n, g) => n + g.versions.length, 0));
  const e = encodePuzzles(test);
  assertEquals(e.count, test.reduce((n, g) => n + g.versions.length * g.pairs.length, 0));
  assert(e.puzzleIds!.every((id) => id >= test[0]!.firstId && id < d.numPuzzleIds));
  const sampler = new Sampler(train, { augment: true, seed: 0 });
  const batch = sampler.next(16);
  assertEquals([batch.count, batch.puzzleIds!.length], [16, 16]);
  assert(batch.puzzleIds!.every((id) => id >= 1 && id < d.numPuzzleIds));
  // Every example decodes to a grid somewhere on the canvas.
  for (let i = 0; i < 16; i++) {
    const x = batch.inputs.subarray(i * 64, (i + 1) * 64);
    const first = x.findIndex((t) => t >= 2);
    assert(cropArcGrid(x, { canvas: 8, offset: [Math.floor(first / 8), first % 8] }).rows > 0);
  }
  const state = sampler.getState();
  const again = new Sampler(train, { augment: true, seed: 0 });
  again.setState(state);
  assertEquals(again.next(5), sampler.next(5));
});

Deno.test("loadTaskData() holds out ARC tasks of a folder when no testPath is given", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const id of ["a", "b", "c"]) {
      const pair = { input: [[1, 2]], output: [[2, 1]] };
      await Deno.writeTextFile(
        `${dir}/${id}.json`,
        JSON.stringify({ train: [pair, pair], test: [pair] }),
      );
    }
    const d = await loadTaskData({ ...arc, trainPath: dir, trainPuzzles: 0, testPuzzles: 1 }, 0);
    assertEquals([d.train.length, d.test.length], [3, 1]);
    assertEquals((d.test[0] as ArcGroup).pairs.length, 1);
    await Deno.writeTextFile(`${dir}/bad.json`, "{}");
    await assertRejects(
      () => loadTaskData({ ...arc, trainPath: dir }, 0),
      `${dir}/bad.json: missing "train" key`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dataShape() and dataProblems() follow the task", () => {
  assertEquals(dataShape(defaultDataConfig), { vocabSize: 11, seqLen: 81 });
  assertEquals(dataShape({ ...defaultDataConfig, task: "maze" }), { vocabSize: 6, seqLen: 900 });
  assertEquals(dataShape({ ...defaultDataConfig, task: "arc" }), { vocabSize: 12, seqLen: 900 });
  assertEquals(dataProblems(defaultDataConfig), []);
  assertEquals(dataProblems({ ...maze, mazeSize: 2 }), [
    "mazeSize must be an integer from 3 to 64, got 2",
  ]);
  assertEquals(dataProblems({ ...arc, arcCanvas: 31 }), [
    "arcCanvas must be an integer from 3 to 30, got 31",
  ]);
});

Deno.test("dataSeed fixes the puzzles whatever the run seed; augmentVersions builds the fixed versions once", async () => {
  const sudoku: DataConfig = {
    ...defaultDataConfig,
    size: 4,
    blanks: 8,
    trainPuzzles: 20,
    testPuzzles: 10,
    dataSeed: 5,
  };
  const keys = (ps: readonly unknown[]) =>
    (ps as { question: Uint8Array }[]).map((p) => p.question.join(""));
  const a = await loadTaskData(sudoku, 0), b = await loadTaskData(sudoku, 1);
  assertEquals([keys(a.train), keys(a.test)], [keys(b.train), keys(b.test)]);
  const other = await loadTaskData({ ...sudoku, dataSeed: -1 }, 1);
  assert(keys(other.test).join() !== keys(a.test).join(), "-1: the run seed decides");

  const fixed = { ...sudoku, augmentVersions: 3 };
  const v = await loadTaskData(fixed, 0), w = await loadTaskData(fixed, 9);
  assertEquals(v.train.length, 20 * 4);
  assertEquals(keys(v.train).slice(0, 20), keys(a.train), "the originals come first");
  assertEquals(keys(v.train), keys(w.train), "versions are drawn from the data seed");
  assertEquals(keys(v.test), keys(a.test), "held-out puzzles do not depend on K");
  assert(new Set(keys(v.train)).size > 60, "the versions are mostly new grids");
  assertEquals([freshAugment(fixed), freshAugment(sudoku)], [false, true]);
  assertEquals(dataProblems({ ...fixed, augment: false }), [
    "augmentVersions 3 needs augment true",
  ]);
});
