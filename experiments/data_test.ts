import { loadSudokuFileStrict } from "@kit/data/mod.ts";
import { assert, assertEquals } from "@kit/util/mod.ts";
import { main } from "./data.ts";

const Q4 = "0004300001000020";
const A4 = "1234341221434321";

/** Runs the CLI and collects what it prints, errors included. */
async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const log = (line: string) => lines.push(...line.split("\n"));
  const code = await main(args, { log, error: log });
  return { code, lines };
}

Deno.test("main() check prints each rejected row and the summary", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const rows = [`${Q4},${A4}`, `${Q4.slice(1)},${A4}`, `${Q4},${A4}`, `0004300000000000,${A4}`];
    await Deno.writeTextFile(path, `question,answer\n${rows.join("\n")}\n`);
    const { code, lines } = await run(["check", "--task", "sudoku", "--path", path]);
    assertEquals(code, 0);
    assertEquals(lines, [
      "line 3: wrong length 15 (expected 16, 36 or 81)",
      "line 5: puzzle has multiple solutions",
      "2 loaded, 2 rejected",
    ]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("main() check exits 1 on a missing file", async () => {
  const { code, lines } = await run(["check", "--task", "sudoku", "--path", "/nonexistent/x.csv"]);
  assertEquals(code, 1);
  assertEquals(lines, ["Sudoku file not found: /nonexistent/x.csv"]);
});

Deno.test("main() generate writes a CSV that loads back, disjoint from --exclude", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const train = `${dir}/sub/train.csv`, test = `${dir}/test.csv`;
    const common = [
      "generate",
      "--task",
      "sudoku",
      "--size",
      "6",
      "--blanks",
      "18",
      "--count",
      "50",
    ];
    assertEquals((await run([...common, "--seed", "0", "--out", train])).code, 0);
    const text = await Deno.readTextFile(train);
    assert(text.startsWith("question,answer\n"));
    const puzzles = await loadSudokuFileStrict(train, { requireUnique: true });
    assertEquals(puzzles.length, 50);
    assert(puzzles.every((p) => p.size === 6 && p.question.filter((v) => v === 0).length === 18));
    assertEquals(
      (await run([...common, "--seed", "1", "--out", test, "--exclude", train])).code,
      0,
    );
    const keys = new Set(puzzles.map((p) => p.question.join("")));
    const others = await loadSudokuFileStrict(test);
    assert(others.every((p) => !keys.has(p.question.join(""))));
    const checked = await run(["check", "--task", "sudoku", "--path", train]);
    assertEquals(checked.lines, ["50 loaded, 0 rejected"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() --help prints the usage", async () => {
  const { code, lines } = await run(["--help"]);
  assertEquals(code, 0);
  assert(lines[0]!.startsWith("usage: data.ts check"));
});

Deno.test("main() explains bad command lines", async () => {
  const cases: [string[], string][] = [
    [
      ["check", "--task", "chess", "--path", "x"],
      "unknown task 'chess' (expected sudoku, maze or arc)",
    ],
    [["generate", "--task", "maze", "--size", "2", "--out", "x"], "--size must be from 3 to 64"],
    [["generate", "--task", "arc"], "--out is required"],
    [["check", "--pth", "x"], "Unknown option '--pth'"],
    [["generate", "--size", "5", "--blanks", "3", "--out", "x"], "--size must be 4, 6 or 9"],
    [
      ["generate", "--size", "4", "--blanks", "lots", "--out", "x"],
      "--blanks must be a non-negative integer",
    ],
    [["check"], "--path is required"],
    [["solve"], "unknown command 'solve'"],
    [[], "missing command"],
  ];
  for (const [args, message] of cases) {
    const { code, lines } = await run(args);
    assertEquals(code, 2, args.join(" "));
    assert(lines[0]!.includes(message), `${args.join(" ")}: ${lines[0]}`);
    assert(lines.some((l) => l.startsWith("usage:")));
  }
});

/** A small ARC task as JSON, with `grid` as its first test output. */
function arcTask(grid: unknown): string {
  return JSON.stringify({
    train: [{ input: [[1, 2], [3, 4]], output: [[4, 3], [2, 1]] }],
    test: [{ input: [[5, 0]], output: grid }],
  });
}

Deno.test("main() check --task arc loads a folder, lists bad tasks by file and problem, and counts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = Array.from({ length: 31 }, () => new Array(31).fill(0));
    await Deno.writeTextFile(`${dir}/good.json`, arcTask([[0, 5]]));
    await Deno.writeTextFile(`${dir}/ragged.json`, arcTask([[1, 2], [3]]));
    await Deno.writeTextFile(`${dir}/big.json`, arcTask(big));
    await Deno.writeTextFile(`${dir}/ten.json`, arcTask([[10]]));
    await Deno.writeTextFile(`${dir}/notrain.json`, JSON.stringify({ test: [{ input: [[1]] }] }));
    const { code, lines } = await run(["check", "--task", "arc", "--path", dir]);
    assertEquals(code, 0);
    assertEquals(lines.slice(0, 5), [
      `${dir}/big.json: test[0].output is 31x31, over the 30x30 limit`,
      `${dir}/notrain.json: missing "train" key`,
      `${dir}/ragged.json: test[0].output is ragged: row 2 has 1 cells, row 1 has 2`,
      `${dir}/ten.json: test[0].output has value 10 at row 1, column 1 (expected 0-9)`,
      "1 loaded, 4 rejected",
    ]);
    assert(lines[5]!.startsWith("2 pairs; 8 dihedral transforms"), lines[5]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() generate --task maze and --task arc write data that check loads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const maze = ["generate", "--task", "maze", "--size", "9", "--count", "20"];
    assertEquals((await run([...maze, "--out", `${dir}/train.csv`])).code, 0);
    const test = await run([
      ...maze,
      "--seed",
      "1",
      "--exclude",
      `${dir}/train.csv`,
      "--out",
      `${dir}/t.csv`,
    ]);
    assert(test.lines[0]!.startsWith("wrote 20 9x9 mazes with paths over 9 moves"), test.lines[0]);
    const checked = await run(["check", "--task", "maze", "--path", `${dir}/t.csv`]);
    assertEquals(checked.lines, ["20 loaded, 0 rejected"]);
    const arc = ["generate", "--task", "arc", "--count", "12", "--out", `${dir}/arc`];
    assertEquals((await run(arc)).code, 0);
    const arcChecked = await run(["check", "--task", "arc", "--path", `${dir}/arc`]);
    assertEquals(arcChecked.lines[0], "12 loaded, 0 rejected");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
