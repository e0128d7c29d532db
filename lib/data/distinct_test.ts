import { assertEquals, assertThrows } from "../util/assert.ts";
import { distinctSet } from "./distinct.ts";
import { generateMazeSet } from "./maze_generate.ts";
import { Prng } from "../util/prng.ts";

Deno.test("distinctSet() keeps keys distinct, skips excluded ones and stops when the space runs dry", () => {
  let i = 0;
  const digits = distinctSet(5, () => String(i++ % 7), (s) => s, { exclude: new Set(["0", "2"]) });
  assertEquals(digits, ["1", "3", "4", "5", "6"]);
  assertThrows(
    () => distinctSet(8, () => String(i++ % 7), (s) => s, { noun: "digits" }),
    "Only 7 distinct digits found",
  );
});

Deno.test("generateMazeSet() stops with a clear error when a small size has too few mazes", () => {
  // A 3x3 maze has a handful of layouts: asking for 500 used to loop forever.
  assertThrows(
    () => generateMazeSet(500, { size: 3, minPath: 0, prng: new Prng(1) }),
    "distinct mazes found",
  );
});
