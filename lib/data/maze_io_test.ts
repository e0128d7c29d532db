import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { formatMazeRow } from "./maze.ts";
import { generateMazeSet } from "./maze_generate.ts";
import { formatMazeCsv, parseMazeCsv } from "./maze_io.ts";

/** Rows of "# SGo" characters to tokens, as a 5x5 maze (two rows of wall below). */
function maze(rows: string[]): Uint8Array {
  return Uint8Array.from([...rows, "#####", "#####"].join(""), (ch) => "# SGo".indexOf(ch) + 1);
}

const Q = maze(["S   G", " ### ", "     "]);
const A = maze(["SoooG", " ### ", "     "]);

Deno.test("parseMazeCsv() reads the reference's CSV back and rejects bad rows with line and reason", () => {
  const mazes = generateMazeSet(3, { size: 6, prng: new Prng(3) });
  const text = formatMazeCsv(mazes);
  assert(text.startsWith("source,question,answer,rating\n"));
  assertEquals(parseMazeCsv(text, "m.csv"), { puzzles: mazes, rejected: [] });
  const q = formatMazeRow(Q), a = formatMazeRow(A);
  const bad = [
    "question,answer",
    `${q},${a}`,
    `${q},${a.replace("ooo", "oo ")}`,
    `${q.replace("S", "X")},${a}`,
    `${q}`,
    `${q.slice(1)},${a.slice(1)}`,
  ].join("\r\n");
  const r = parseMazeCsv(bad, "bad.csv");
  assertEquals(r.puzzles.length, 1);
  assertEquals(r.rejected, [
    { line: 3, reason: "path breaks off at r1c3" },
    { line: 4, reason: `question has 'X' at column 1 (expected one of "# SGo")` },
    { line: 5, reason: "expected 2 fields as in the header, got 1" },
    { line: 6, reason: "question has 24 cells, not a square" },
  ]);
  assertThrows(
    () => parseMazeCsv("a,b\n", "h.csv"),
    "h.csv:1: header must name question and answer",
  );
});
