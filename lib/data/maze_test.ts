import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import type { DihedralId } from "./augment.ts";
import {
  bfs,
  checkMazePath,
  defaultMinPath,
  encodeMaze,
  formatMazeRow,
  generateMaze,
  generateMazeSet,
  GOAL,
  mazeKey,
  OPEN,
  PATH,
  pathLength,
  solveMaze,
  START,
  transformMaze,
  WALL,
} from "./maze.ts";

/** Rows of "# SGo" characters to tokens. */
function maze(rows: string[]): Uint8Array {
  // Square mazes: the three rows given, then two rows of wall.
  return Uint8Array.from([...rows, "#####", "#####"].join(""), (ch) => "# SGo".indexOf(ch) + 1);
}

// Two routes from S to G: 4 moves along the top, 8 around the bottom.
const Q = maze([
  "S   G",
  " ### ",
  "     ",
]);
const A = maze([
  "SoooG",
  " ### ",
  "     ",
]);

Deno.test("solveMaze() marks the shortest route and checkMazePath() accepts it", () => {
  assertEquals(solveMaze(Q, 5), A);
  assertEquals(pathLength(A), 4);
  assertEquals(checkMazePath(Q, A, 5), null);
  assertEquals(bfs(Q, 5).dist[4], 4);
});

Deno.test("checkMazePath() names what is wrong with a predicted path", () => {
  const around = maze(["S   G", "o###o", "ooooo"]);
  const cases: [Uint8Array, string][] = [
    [around, "path has 8 moves, the shortest has 4"],
    [maze(["Soo G", " ### ", "     "]), "path breaks off at r1c3"],
    [maze(["SoooG", " ###o", "     "]), "1 marked cells off the path"],
    [maze(["SooGG", " ### ", "     "]), "answer changes open to token 4 at r1c4"],
    [maze(["S#ooG", " ### ", "     "]), "answer changes open to token 1 at r1c2"],
  ];
  for (const [answer, message] of cases) assertEquals(checkMazePath(Q, answer, 5), message);
  const walled = maze(["S # G", " ### ", "  #  "]);
  assertEquals(checkMazePath(walled, walled, 5), "goal is unreachable");
});

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

Deno.test("encodeMaze() uses the reference's tokens: '#'=1 ' '=2 'S'=3 'G'=4 'o'=5", () => {
  const tokens = Array.from(encodeMaze(maze(["# SGo", "", ""])));
  assertEquals(tokens, [WALL, OPEN, START, GOAL, PATH, ...new Array(10).fill(WALL)]);
  assertEquals(tokens.slice(0, 5), [1, 2, 3, 4, 5]);
  assertEquals(formatMazeRow(A), "SoooG ###      " + "#".repeat(10));
});
