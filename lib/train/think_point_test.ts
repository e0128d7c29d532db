import { assertEquals } from "../util/assert.ts";
import { stripSteps } from "./think_point.ts";

Deno.test("stripSteps() keeps step 1, the trained depth and the last, at most max frames", () => {
  assertEquals(stripSteps(8, 5), [1, 2, 3, 4, 5]);
  assertEquals(stripSteps(8, 12, 4), [1, 8, 12, 5].sort((a, b) => a - b));
  for (const last of [1, 9, 20, 64]) {
    const s = stripSteps(8, last);
    assertEquals(s.length <= 8 && s[0] === 1 && s.at(-1) === last, true, `${last}: ${s}`);
    assertEquals(s.includes(Math.min(8, last)), true);
    assertEquals(new Set(s).size, s.length);
  }
});
