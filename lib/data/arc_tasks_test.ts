import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { applyArcRule, ARC_RULES, generateArcTask, generateArcTasks } from "./arc_tasks.ts";
import { gridFromRows, gridToRows } from "./augment.ts";

Deno.test("applyArcRule() flips, recolours, moves and scales as documented", () => {
  const g = gridFromRows([[1, 0], [0, 2]]);
  assertEquals(gridToRows(applyArcRule({ kind: "flip", dihedral: 4 }, g)), [[0, 1], [2, 0]]);
  assertEquals(
    gridToRows(applyArcRule({ kind: "recolour", colours: [0, 3, 4, 5, 6, 7, 8, 9, 1, 2] }, g)),
    [[3, 0], [0, 4]],
  );
  assertEquals(
    gridToRows(applyArcRule({ kind: "move", dr: 0, dc: 1 }, gridFromRows([[1, 0], [0, 0]]))),
    [[0, 1], [0, 0]],
  );
  assertEquals(gridToRows(applyArcRule({ kind: "scale" }, gridFromRows([[1, 2]]))), [[1, 1, 2, 2], [
    1,
    1,
    2,
    2,
  ]]);
});

Deno.test("generateArcTask() follows its rule on every pair, within the size limit, for every rule", () => {
  const prng = new Prng(0);
  for (const rule of ARC_RULES) {
    for (let k = 0; k < 20; k++) {
      const t = generateArcTask({ prng, rules: [rule], maxSize: 8 });
      assertEquals(t.rule.kind, rule);
      assertEquals([t.train.length, t.test.length], [3, 1]);
      for (const p of [...t.train, ...t.test]) {
        assertEquals(p.output, applyArcRule(t.rule, p.input));
        assert(Math.max(p.input.rows, p.input.cols, p.output!.rows, p.output!.cols) <= 8);
        assert(p.input.cells.some((v) => v > 0), "inputs are not blank");
      }
      if (t.rule.kind === "move") {
        // Nothing falls off the edge: the output has as many coloured cells.
        for (const p of t.train) {
          assertEquals(
            p.output!.cells.filter((v) => v).length,
            p.input.cells.filter((v) => v).length,
          );
        }
      }
    }
  }
  assertThrows(
    () => generateArcTask({ prng, rules: ["scale"], maxSize: 5 }),
    "too small for the scale rule",
  );
});

Deno.test("generateArcTasks() is seeded and names tasks by index and rule", () => {
  const a = generateArcTasks(5, { prng: new Prng(1) }),
    b = generateArcTasks(5, { prng: new Prng(1) });
  assertEquals(a, b);
  assertEquals(a[2]!.id, `gen-2-${a[2]!.rule.kind}`);
});
