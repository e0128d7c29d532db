import { assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import type { DihedralId } from "./augment.ts";
import { mazeKey } from "./maze.ts";
import { transformMaze } from "./maze_augment.ts";
import { generateMaze } from "./maze_generate.ts";
import { checkMazePath, pathLength } from "./maze_solve.ts";

Deno.test("transformMaze() keeps mazes solved under all 8 transforms and inverts exactly", () => {
  const p = generateMaze({ size: 8, prng: new Prng(2) });
  const inverse = [0, 3, 2, 1, 4, 5, 6, 7] as const;
  const seen = new Set<string>();
  for (let id = 0; id < 8; id++) {
    const t = transformMaze(p, id as DihedralId);
    assertEquals(checkMazePath(t.question, t.answer, 8), null);
    assertEquals(pathLength(t.answer), pathLength(p.answer));
    assertEquals(transformMaze(t, inverse[id]!), p);
    seen.add(mazeKey(t));
  }
  assertEquals(seen.size, 8);
});
