import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { generateSudokuSet } from "./sudoku_generate.ts";
import {
  DataFormatError,
  formatSudokuCsv,
  loadSudokuFile,
  loadSudokuFileStrict,
  parseSudokuText,
} from "./sudoku_io.ts";

const Q4 = "0004300001000020";
const Q4_DOTS = "...43....1....2.";
const A4 = "1234341221434321";
const Q9 = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
const A9 = "534678912672195348198342567859761423426853791713924856961537284287419635345286179";

function digits(g: Uint8Array): string {
  return Array.from(g).join("");
}

Deno.test("parseSudokuText() solves bare questions with 0 or . for blanks", () => {
  const { puzzles, rejected } = parseSudokuText(`${Q4}\n${Q4_DOTS}\n`, "bare.txt");
  assertEquals(rejected, []);
  assertEquals(puzzles.length, 2);
  for (const p of puzzles) {
    assertEquals(p.size, 4);
    assertEquals(digits(p.question), Q4);
    assertEquals(digits(p.answer), A4);
  }
});

Deno.test("parseSudokuText() reads question,answer with or without a header, CRLF and blank lines", () => {
  for (
    const text of [
      `${Q4},${A4}\n\n${Q4_DOTS},${A4}\n`,
      `question,answer\r\n${Q4},${A4}\r\n\r\n${Q4},${A4}`,
    ]
  ) {
    const { puzzles, rejected } = parseSudokuText(text, "pairs.csv");
    assertEquals(rejected, []);
    assertEquals(puzzles.map((p) => digits(p.answer)), [A4, A4]);
  }
});

Deno.test("parseSudokuText() reads the Sudoku-Extreme CSV layout", () => {
  const text =
    `source,question,answer,rating\nforum_hardest,${Q9},${A9},12\nkaggle,${Q9},${A9},0\n`;
  const { puzzles, rejected } = parseSudokuText(text, "train.csv");
  assertEquals(rejected, []);
  assertEquals(puzzles.length, 2);
  assertEquals(puzzles[0]!.size, 9);
  assertEquals(digits(puzzles[0]!.answer), A9);
});

Deno.test("parseSudokuText() rejects each malformed row with its line and reason", () => {
  const lines = [
    "question,answer",
    `${Q4},${A4}`,
    "",
    `${Q4.slice(1)},${A4}`,
    `  0004300x01000020,${A4}`,
    `${Q4},1234341221434312`,
    `0004300001000030,${A4}`,
    `${Q9},${A9}`,
    `${Q4},${A4},7`,
    `${Q4},${A4.slice(1)}`,
    `${Q4},`,
    `${Q4_DOTS},${A4}`,
  ];
  const { puzzles, rejected } = parseSudokuText(lines.join("\n"), "bad.csv");
  assertEquals(puzzles.length, 3);
  assertEquals(rejected, [
    { line: 4, reason: "wrong length 15 (expected 16, 36 or 81)" },
    {
      line: 5,
      reason: "bad character 'x' at column 10 (a 4x4 grid uses 1-4, and 0 or . for blanks)",
    },
    { line: 6, reason: "answer is not a valid grid: digit 1 twice in a column (at r4c3)" },
    { line: 7, reason: "given 3 at r4c3 disagrees with the answer 2" },
    { line: 8, reason: "size 9x9 differs from the 4x4 of line 2" },
    { line: 9, reason: "expected 2 fields as in the header, got 3" },
    { line: 10, reason: "answer has wrong length 15 (expected 16)" },
  ]);
});

Deno.test("parseSudokuText() rejects bare questions without exactly one solution", () => {
  const text = ["0004300000000000", "1230000000000004", `${Q4},${A4},x`, "9004300001000020"].join(
    "\n",
  );
  const { puzzles, rejected } = parseSudokuText(text, "bare.txt");
  assertEquals(puzzles.length, 0);
  assertEquals(rejected.map((r) => r.line), [1, 2, 3, 4]);
  assertEquals(rejected[0]!.reason, "puzzle has multiple solutions (and no answer is given)");
  assertEquals(rejected[1]!.reason, "puzzle has no solution");
  assertEquals(rejected[2]!.reason, "expected question or question,answer, got 3 fields");
  assert(rejected[3]!.reason.startsWith("bad character '9' at column 1"));
});

Deno.test("parseSudokuText() checks uniqueness of given answers on request, and honours limit", () => {
  const text = `0004300000000000,${A4}\n${Q4},${A4}\n${Q4},${A4}\n`;
  assertEquals(parseSudokuText(text, "f").puzzles.length, 3);
  const strict = parseSudokuText(text, "f", { requireUnique: true });
  assertEquals(strict.rejected, [{ line: 1, reason: "puzzle has multiple solutions" }]);
  assertEquals(parseSudokuText(text, "f", { limit: 2 }).puzzles.length, 2);
});

Deno.test("parseSudokuText() throws DataFormatError for a header without a question column", () => {
  const err = assertThrows(
    () => parseSudokuText("\nid,grid\n1,2\n", "h.csv"),
    "h.csv:2: header has no question column",
  );
  assert(err instanceof DataFormatError);
  assertEquals(err.line, 2);
});

Deno.test("formatSudokuCsv() writes what the loader reads back", () => {
  const puzzles = generateSudokuSet(20, { size: 6, blanks: 18, prng: new Prng(0) });
  const text = formatSudokuCsv(puzzles);
  assert(text.startsWith("question,answer\n"));
  assert(text.split("\n")[1]!.includes("."));
  const back = parseSudokuText(text, "gen.csv", { requireUnique: true });
  assertEquals(back.rejected, []);
  assertEquals(back.puzzles, puzzles);
});

Deno.test("loadSudokuFile() streams a file across chunk boundaries and reports a missing one", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const rows = Array.from({ length: 1000 }, () => `x,${Q9},${A9},3`);
    await Deno.writeTextFile(
      path,
      `source,question,answer,rating\n${rows.join("\n")}\nx,${Q9.slice(2)},${A9},3`,
    );
    const { puzzles, rejected } = await loadSudokuFile(path);
    assertEquals(puzzles.length, 1000);
    assertEquals(rejected, [{ line: 1002, reason: "wrong length 79 (expected 16, 36 or 81)" }]);
    assertEquals((await loadSudokuFile(path, { limit: 5 })).puzzles.length, 5);
  } finally {
    await Deno.remove(path);
  }
  await assertRejects(() => loadSudokuFile(path), `Sudoku file not found: ${path}`);
});

Deno.test("loadSudokuFileStrict() names file and line of the first bad row", async () => {
  const path = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(path, `${Q4}\n${Q4}\n${Q4}5\n0004300000000000\n${Q4}7\n`);
    const err = await assertRejects(
      () => loadSudokuFileStrict(path),
      `${path}:3: wrong length 17 (expected 16, 36 or 81) (and 2 more bad rows)`,
    );
    assert(err instanceof DataFormatError);
    await Deno.writeTextFile(path, `${Q4}\n${Q4_DOTS}\n`);
    assertEquals((await loadSudokuFileStrict(path)).length, 2);
  } finally {
    await Deno.remove(path);
  }
});
