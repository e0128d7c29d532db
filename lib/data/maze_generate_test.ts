import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { GOAL, mazeKey, START, WALL } from "./maze.ts";
import { defaultMinPath, generateMaze, generateMazeSet } from "./maze_generate.ts";
import { bfs, checkMazePath, pathLength } from "./maze_solve.ts";

Deno.test("generateMaze() gives valid mazes whose unique shortest path passes the hardness filter", () => {
  for (const size of [5, 10, 11, 15]) {
    const prng = new Prng(size);
    for (let k = 0; k < 20; k++) {
      const p = generateMaze({ size, prng });
      assertEquals(checkMazePath(p.question, p.answer, size), null);
      assert(pathLength(p.answer) > defaultMinPath(size), `${size}: ${pathLength(p.answer)}`);
      const goal = p.question.indexOf(GOAL);
      assertEquals(bfs(p.question, size).ways[goal], 1);
      assertEquals(p.question.filter((v) => v === START).length, 1);
      assert(p.question.every((v) => v >= WALL && v <= GOAL));
    }
  }
  assertEquals(defaultMinPath(30), 110);
  assertEquals(defaultMinPath(10), 12);
});

Deno.test("generateMaze() reaches Maze-Hard's paths of over 110 moves at 30x30", () => {
  const p = generateMaze({ size: 30, prng: new Prng(0) });
  assert(pathLength(p.answer) > 110);
  assertEquals(checkMazePath(p.question, p.answer, 30), null);
});

Deno.test("generateMaze() is seeded, honours minPath and refuses impossible requests", () => {
  const a = generateMaze({ size: 9, prng: new Prng(4) }),
    b = generateMaze({ size: 9, prng: new Prng(4) });
  assertEquals(a, b);
  const long = generateMaze({ size: 9, prng: new Prng(4), minPath: 25 });
  assert(pathLength(long.answer) > 25);
  assertThrows(
    () => generateMaze({ size: 5, prng: new Prng(0), minPath: 30, maxAttempts: 50 }),
    "no 5x5 maze",
  );
  assertThrows(() => generateMaze({ size: 1, prng: new Prng(0) }), "maze size must be");
});

Deno.test("generateMazeSet() gives distinct mazes and skips excluded ones", () => {
  const train = generateMazeSet(30, { size: 7, prng: new Prng(1) });
  const keys = new Set(train.map(mazeKey));
  assertEquals(keys.size, 30);
  const test = generateMazeSet(30, { size: 7, prng: new Prng(1), exclude: keys });
  assert(test.every((p) => !keys.has(mazeKey(p))));
});
