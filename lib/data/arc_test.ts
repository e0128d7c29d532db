import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import {
  ARC_EOS,
  ArcFormatError,
  cropArcGrid,
  encodeArcGrid,
  loadArc,
  parseArcTask,
  parseArcText,
} from "./arc.ts";
import { checkArcRoundTrips } from "./arc_dataset.ts";
import { gridFromRows, gridToRows } from "./augment.ts";

const GOOD = {
  train: [{ input: [[1, 2]], output: [[2, 1]] }],
  test: [{ input: [[3, 0]], output: [[0, 3]] }],
};

/** The message of the error that parsing `task` as file `f.json` gives. */
function problem(task: unknown): string {
  try {
    parseArcTask(task, "f", "dir/f.json");
  } catch (e) {
    assert(e instanceof ArcFormatError);
    return e.message;
  }
  throw new Error("expected a format error");
}

Deno.test("parseArcTask() reads grids, and names the file and the problem of a bad task", () => {
  const t = parseArcTask(GOOD, "f", "dir/f.json");
  assertEquals(gridToRows(t.train[0]!.output!), [[2, 1]]);
  const big = Array.from({ length: 31 }, () => new Array(31).fill(1));
  const pair = (input: unknown) => ({
    train: [{ input, output: [[1]] }],
    test: [{ input: [[1]] }],
  });
  assertEquals(
    problem(pair([[1, 2], [3]])),
    "dir/f.json: train[0].input is ragged: row 2 has 1 cells, row 1 has 2",
  );
  assertEquals(
    problem(pair([[1, 10]])),
    "dir/f.json: train[0].input has value 10 at row 1, column 2 (expected 0-9)",
  );
  assertEquals(
    problem(pair([[1, -1]])),
    "dir/f.json: train[0].input has value -1 at row 1, column 2 (expected 0-9)",
  );
  assertEquals(
    problem(pair([[1.5]])),
    "dir/f.json: train[0].input has value 1.5 at row 1, column 1 (expected 0-9)",
  );
  assertEquals(problem(pair(big)), "dir/f.json: train[0].input is 31x31, over the 30x30 limit");
  assertEquals(problem(pair([])), "dir/f.json: train[0].input is not a non-empty list of rows");
  assertEquals(problem({ test: GOOD.test }), 'dir/f.json: missing "train" key');
  assertEquals(problem({ train: GOOD.train }), 'dir/f.json: missing "test" key');
  assertEquals(
    problem({ train: [{ input: [[1]] }], test: GOOD.test }),
    'dir/f.json: train[0] has no "output"',
  );
  // Test outputs may be missing (Kaggle challenges without solutions).
  assertEquals(
    parseArcTask({ train: GOOD.train, test: [{ input: [[1]] }] }, "f", "f.json").test[0]!.output,
    undefined,
  );
});

Deno.test("parseArcText() reads a combined file, keeps the good tasks and names the bad one", () => {
  const text = JSON.stringify({
    a: GOOD,
    b: { train: GOOD.train, test: [{ input: [[1], [2, 3]] }] },
  });
  const r = parseArcText(text, "all.json");
  assertEquals(r.tasks.map((t) => t.id), ["a"]);
  assertEquals(r.rejected, [
    {
      file: "all.json",
      id: "b",
      reason: "all.json (task b): test[0].input is ragged: row 2 has 2 cells, row 1 has 1",
    },
  ]);
  assertEquals(
    parseArcText("{", "x.json").rejected[0]!.reason.startsWith("x.json: not valid JSON"),
    true,
  );
});

Deno.test("loadArc() merges Kaggle solutions and explains a missing path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const challenge = { a: { train: GOOD.train, test: [{ input: [[3, 0]] }] } };
    await Deno.writeTextFile(`${dir}/arc-agi_x_challenges.json`, JSON.stringify(challenge));
    await Deno.writeTextFile(`${dir}/arc-agi_x_solutions.json`, JSON.stringify({ a: [[[0, 3]]] }));
    const r = await loadArc(`${dir}/arc-agi_x_challenges.json`);
    assertEquals(gridToRows(r.tasks[0]!.test[0]!.output!), [[0, 3]]);
    await assertRejects(() => loadArc(`${dir}/none`), `cannot read ARC tasks at ${dir}/none`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodeArcGrid() shifts colours by 2 and draws the EOS border; cropArcGrid() undoes it", () => {
  const g = gridFromRows([[0, 9], [5, 1]]);
  const t = encodeArcGrid(g, { canvas: 4 });
  assertEquals(Array.from(t), [2, 11, 1, 0, 7, 3, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  assertEquals(cropArcGrid(t, { canvas: 4 }), g);
  const moved = encodeArcGrid(g, { canvas: 4, offset: [1, 2] });
  assertEquals(Array.from(moved), [0, 0, 0, 0, 0, 0, 2, 11, 0, 0, 7, 3, 0, 0, 1, 1]);
  assertEquals(cropArcGrid(moved, { canvas: 4, offset: [1, 2] }), g);
  // A full canvas has no border; a prediction with no colour at the corner crops to 0x0.
  const full = encodeArcGrid(gridFromRows([[1, 2], [3, 4]]), { canvas: 2 });
  assertEquals(Array.from(full), [3, 4, 5, 6]);
  assertEquals(cropArcGrid([ARC_EOS, 3, 3, 3], { canvas: 2 }), {
    rows: 0,
    cols: 0,
    cells: new Uint8Array(),
  });
});

Deno.test("cropArcGrid() takes the largest all-colour rectangle from the corner, as the reference", () => {
  // Rows of widths 3, 2, 2, then EOS: 3x1=3 < 2x2=4 < 3x2=6, so 3 rows of 2.
  const n = 4;
  const t = [4, 4, 4, 1, 4, 4, 1, 0, 4, 4, 1, 0, 1, 1, 0, 0];
  assertEquals(cropArcGrid(t, { canvas: n }), {
    rows: 3,
    cols: 2,
    cells: new Uint8Array(6).fill(2),
  });
});

const ARC1 = new URL("../../../shared/data/arc-agi-1/training", import.meta.url).pathname;
const haveArc1 = await Deno.stat(ARC1).then(() => true, () => false);
if (!haveArc1) console.log(`skipping the ARC-AGI-1 test: no tasks at ${ARC1}`);

Deno.test({
  name: "loadArc() loads all 400 ARC-AGI-1 training tasks and every augmentation round-trips",
  ignore: !haveArc1,
  fn: async () => {
    const { tasks, rejected } = await loadArc(ARC1);
    assertEquals(rejected, []);
    assertEquals(tasks.length, 400);
    assertEquals(tasks.reduce((n, t) => n + t.train.length, 0), 1302);
    assertEquals(tasks.reduce((n, t) => n + t.test.length, 0), 416);
    const prng = new Prng(0);
    for (const t of tasks) assertEquals(checkArcRoundTrips(t, prng), null, t.id);
  },
});

Deno.test("parseArcText() reads an empty object or a list as one bad task, not as no tasks", () => {
  assertEquals(parseArcText("{}", "d/e.json").rejected[0]!.reason, 'd/e.json: missing "train" key');
  assertEquals(
    parseArcText("[]", "d/l.json").rejected[0]!.reason,
    'd/l.json: a task must be an object with "train" and "test" lists',
  );
  assertEquals(parseArcText('{"x": {}}', "d/x.json", { oneTask: true }).rejected.length, 1);
});
