import { assertEquals } from "../util/assert.ts";
import { bfs, checkMazePath, pathLength, solveMaze } from "./maze_solve.ts";
import { A, maze, Q } from "./testdata/maze.ts";

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
