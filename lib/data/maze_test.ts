import { assertEquals } from "../util/assert.ts";
import { encodeMaze, formatMazeRow, GOAL, OPEN, PATH, START, WALL } from "./maze.ts";
import { A, maze } from "./testdata/maze.ts";

Deno.test("encodeMaze() uses the reference's tokens: '#'=1 ' '=2 'S'=3 'G'=4 'o'=5", () => {
  const tokens = Array.from(encodeMaze(maze(["# SGo", "", ""])));
  assertEquals(tokens, [WALL, OPEN, START, GOAL, PATH, ...new Array(10).fill(WALL)]);
  assertEquals(tokens.slice(0, 5), [1, 2, 3, 4, 5]);
  assertEquals(formatMazeRow(A), "SoooG ###      " + "#".repeat(10));
});
