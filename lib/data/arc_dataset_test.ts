import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { cropArcGrid, encodeArcGrid } from "./arc.ts";
import { arcGroups, arcTestExamples, arcVersions, drawArcPuzzle } from "./arc_dataset.ts";
import { generateArcTasks } from "./arc_tasks.ts";
import { augmentGrid, gridFromRows, gridKey, IDENTITY_AUGMENTATION } from "./augment.ts";

const tasks = generateArcTasks(3, { prng: new Prng(0), maxSize: 6, prefix: "a" });
const evalTasks = generateArcTasks(2, { prng: new Prng(1), maxSize: 6, prefix: "e" });

Deno.test("arcVersions() gives the identity first, then distinct augmentations", () => {
  const v = arcVersions(tasks[0]!, 20, new Prng(2));
  assertEquals(v[0], IDENTITY_AUGMENTATION);
  assertEquals(v.length, 21);
  const grids = tasks[0]!.train.map((p) => p.input);
  const keys = new Set(v.map((a) => grids.map((g) => gridKey(augmentGrid(g, a))).join("|")));
  assertEquals(keys.size, 21);
  // A one-colour symmetric task has only the original: every augmentation repeats it.
  const plain = {
    id: "p",
    file: "p",
    train: [{ input: gridFromRows([[0]]), output: gridFromRows([[0]]) }],
    test: [],
  };
  assertEquals(arcVersions(plain, 10, new Prng(0)).length, 1);
});

Deno.test("arcGroups() gives each version an id from 1, puts eval demos in training and eval tests in test", () => {
  const r = arcGroups(tasks, evalTasks, {
    augmentations: 4,
    translate: true,
    canvas: 12,
    prng: new Prng(3),
  });
  assertEquals(r.train.length, 5);
  assertEquals(r.test.length, 2);
  assertEquals(r.train.map((g) => g.firstId), [1, 6, 11, 16, 21]);
  assertEquals(r.numPuzzleIds, 26);
  assertEquals(r.train[0]!.pairs.length, 4); // 3 demos + the test pair of a training task
  assertEquals(r.train[3]!.pairs, evalTasks[0]!.train);
  assertEquals(r.test[0]!.pairs, evalTasks[0]!.test);
  assertEquals(r.test[0]!.firstId, r.train[3]!.firstId);
  assertEquals(r.test[0]!.versions, r.train[3]!.versions);
  assert(!r.test[0]!.translate && r.train[0]!.translate);
  assertThrows(
    () =>
      arcGroups(tasks, [], { augmentations: 0, translate: false, canvas: 4, prng: new Prng(0) }),
    "over the 4x4 canvas",
  );
});

Deno.test("drawArcPuzzle() serves one version's pairs, all but one translated, decodable at their offset", () => {
  const { train } = arcGroups(tasks, [], {
    augmentations: 3,
    translate: true,
    canvas: 12,
    prng: new Prng(3),
  });
  const g = train[1]!;
  const prng = new Prng(4);
  for (let k = 0; k < 10; k++) {
    const ex = drawArcPuzzle(g, prng);
    assertEquals(ex.inputs.length, g.pairs.length);
    const id = ex.puzzleIds[0]!;
    assert(ex.puzzleIds.every((i) => i === id) && id >= g.firstId && id < g.firstId + 4);
    const a = g.versions[id - g.firstId]!;
    // Each example is some pair's augmented input at some offset; exactly one sits at (0, 0).
    const expected = g.pairs.map((p) => gridKey(augmentGrid(p.input, a)));
    let atOrigin = 0;
    for (const x of ex.inputs) {
      const first = x.findIndex((t) => t >= 2);
      const offset: [number, number] = [Math.floor(first / 12), first % 12];
      if (first === 0) atOrigin++;
      assert(expected.includes(gridKey(cropArcGrid(x, { canvas: 12, offset }))));
    }
    assert(atOrigin >= 1);
  }
});

Deno.test("arcTestExamples() lists every version of every test pair at (0, 0) with its source", () => {
  const { test } = arcGroups([], evalTasks, {
    augmentations: 2,
    translate: true,
    canvas: 12,
    prng: new Prng(5),
  });
  const ex = arcTestExamples(test);
  assertEquals(ex.inputs.length, 2 * 3);
  assertEquals(ex.sources[4], { group: 1, version: 1, pair: 0 });
  assertEquals(ex.puzzleIds, [1, 2, 3, 4, 5, 6]);
  const g = test[1]!, a = g.versions[1]!;
  assertEquals(ex.labels[4], encodeArcGrid(augmentGrid(g.pairs[0]!.output!, a), { canvas: 12 }));
});
