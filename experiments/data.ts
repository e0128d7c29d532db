/**
 * CLI for puzzle data: check a file, or generate one.
 *
 *   deno run -A experiments/data.ts check --task sudoku --path data/sudoku6.csv
 *   deno run -A experiments/data.ts check --task maze --path data/maze-30x30-hard-1k/test.csv
 *   deno run -A experiments/data.ts check --task arc --path ../ARC-AGI/data/training
 *   deno run -A experiments/data.ts generate --task sudoku --size 6 --blanks 18 --count 1000 \
 *     --seed 0 --out data/sudoku6.csv [--min-nodes 50] [--exclude data/train.csv]
 *   deno run -A experiments/data.ts generate --task maze --size 10 --count 1000 --seed 0 \
 *     --out data/maze10.csv [--min-path 12] [--exclude data/train.csv]
 *   deno run -A experiments/data.ts generate --task arc --size 10 --count 100 --seed 0 --out data/arc-gen
 *
 * A check loads every puzzle or task and, for maze and ARC, checks that each
 * augmentation followed by its inverse gives the original back.
 *
 * Exit codes: 0 done (a check that rejected rows still exits 0 and lists them), 1 the file
 * could not be read or written, 2 bad command line.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname } from "node:path";
import {
  checkArcRoundTrips,
  checkMazeRoundTrips,
  defaultMinPath,
  formatMazeCsv,
  formatSudokuCsv,
  generateArcTasks,
  generateMazeSet,
  generateSudokuSet,
  gridToRows,
  loadArc,
  loadMazeFile,
  loadSudokuFile,
  mazeKey,
  puzzleKey,
  type SudokuSize,
} from "@kit/data/mod.ts";
import { Prng } from "@kit/util/mod.ts";

const USAGE = `usage: data.ts check --task sudoku|maze|arc --path FILE|FOLDER
       data.ts generate --task sudoku --size 4|6|9 --blanks N --out FILE [--count 1000] [--seed 0]
                        [--min-nodes N] [--exclude FILE]
       data.ts generate --task maze --size N --out FILE [--count 1000] [--seed 0] [--min-path N]
                        [--exclude FILE]
       data.ts generate --task arc --out FOLDER [--size 10] [--count 1000] [--seed 0]`;
const MAX_REASONS = 20;
const OPTIONS = {
  task: { type: "string", default: "sudoku" },
  path: { type: "string" },
  size: { type: "string" },
  blanks: { type: "string" },
  count: { type: "string", default: "1000" },
  seed: { type: "string", default: "0" },
  "min-nodes": { type: "string", default: "0" },
  "min-path": { type: "string" },
  exclude: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Flags = { [K in Exclude<keyof typeof OPTIONS, "help">]?: string };
type Log = (line: string) => void;

/** A mistake on the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** A required flag as a non-negative integer. */
function intFlag(flags: Flags, name: keyof Flags): number {
  const raw = flags[name];
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--${name} must be a non-negative integer, got '${raw}'`);
  }
  return n;
}

/** Prints the first reasons and the `N loaded, M rejected` summary. */
function report(loaded: number, reasons: string[], log: Log): number {
  for (const r of reasons.slice(0, MAX_REASONS)) log(r);
  if (reasons.length > MAX_REASONS) log(`... and ${reasons.length - MAX_REASONS} more`);
  log(`${loaded} loaded, ${reasons.length} rejected`);
  return 0;
}

/** Loads, verifies (uniqueness included) and prints the rejected rows and a summary. */
async function check(flags: Flags, log: Log): Promise<number> {
  if (!flags.path) throw new UsageError("--path is required");
  if (flags.task === "arc") return await checkArc(flags.path, log);
  if (flags.task === "maze") {
    const { puzzles, rejected } = await loadMazeFile(flags.path);
    const reasons = rejected.map((r) => `line ${r.line}: ${r.reason}`);
    let ok = 0;
    puzzles.forEach((p, i) => {
      const problem = checkMazeRoundTrips(p);
      if (problem) reasons.push(`maze ${i + 1}: ${problem}`);
      else ok++;
    });
    return report(ok, reasons, log);
  }
  const { puzzles, rejected } = await loadSudokuFile(flags.path, { requireUnique: true });
  return report(puzzles.length, rejected.map((r) => `line ${r.line}: ${r.reason}`), log);
}

/** Loads ARC tasks and checks every augmentation's round trip, then the summary and the time. */
async function checkArc(path: string, log: Log): Promise<number> {
  const start = performance.now();
  const { tasks, rejected } = await loadArc(path);
  const reasons = rejected.map((r) => r.reason);
  const prng = new Prng(0);
  let ok = 0;
  for (const t of tasks) {
    const problem = checkArcRoundTrips(t, prng);
    if (problem) reasons.push(`${t.file} (task ${t.id}): ${problem}`);
    else ok++;
  }
  report(ok, reasons, log);
  const pairs = tasks.reduce((n, t) => n + t.train.length + t.test.length, 0);
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  log(
    `${pairs} pairs; 8 dihedral transforms x colour permutation and the canvas encoding round-trip; ${secs} s`,
  );
  return 0;
}

/** Generates distinct mazes and writes them in the reference's CSV layout. */
async function generateMazes(flags: Flags, log: Log): Promise<number> {
  const size = intFlag(flags, "size");
  if (size < 3 || size > 64) {
    throw new UsageError(`--size must be from 3 to 64 for a maze, got ${size}`);
  }
  if (!flags.out) throw new UsageError("--out is required");
  const minPath = flags["min-path"] === undefined
    ? defaultMinPath(size)
    : intFlag(flags, "min-path");
  const exclude = flags.exclude
    ? new Set((await loadMazeFile(flags.exclude)).puzzles.map(mazeKey))
    : undefined;
  const count = intFlag(flags, "count");
  const start = performance.now();
  const mazes = generateMazeSet(count, {
    size,
    minPath,
    prng: new Prng(intFlag(flags, "seed")),
    exclude,
  });
  await Deno.mkdir(dirname(flags.out), { recursive: true });
  await Deno.writeTextFile(flags.out, formatMazeCsv(mazes));
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  log(
    `wrote ${count} ${size}x${size} mazes with paths over ${minPath} moves to ${flags.out} in ${secs} s`,
  );
  return 0;
}

/** Generates ARC-like tasks with known rules, one JSON file per task, as the ARC repositories. */
async function generateArc(flags: Flags, log: Log): Promise<number> {
  if (!flags.out) throw new UsageError("--out is required");
  const maxSize = flags.size === undefined ? 10 : intFlag(flags, "size");
  if (maxSize < 6 || maxSize > 30) {
    throw new UsageError(`--size must be from 6 to 30 for ARC, got ${maxSize}`);
  }
  const count = intFlag(flags, "count");
  const tasks = generateArcTasks(count, { prng: new Prng(intFlag(flags, "seed")), maxSize });
  await Deno.mkdir(flags.out, { recursive: true });
  for (const t of tasks) {
    const pairs = (ps: typeof t.train) =>
      ps.map((p) => ({ input: gridToRows(p.input), output: gridToRows(p.output!) }));
    const json = { train: pairs(t.train), test: pairs(t.test), rule: t.rule };
    await Deno.writeTextFile(`${flags.out}/${t.id}.json`, JSON.stringify(json) + "\n");
  }
  log(`wrote ${count} generated ARC tasks (grids up to ${maxSize}x${maxSize}) to ${flags.out}`);
  return 0;
}

/** Generates distinct puzzles and writes them as a question,answer CSV. */
async function generate(flags: Flags, log: Log): Promise<number> {
  if (flags.task === "maze") return await generateMazes(flags, log);
  if (flags.task === "arc") return await generateArc(flags, log);
  const size = intFlag(flags, "size");
  if (size !== 4 && size !== 6 && size !== 9) {
    throw new UsageError(`--size must be 4, 6 or 9, got ${size}`);
  }
  if (!flags.out) throw new UsageError("--out is required");
  const exclude = flags.exclude
    ? new Set((await loadSudokuFile(flags.exclude)).puzzles.map(puzzleKey))
    : undefined;
  const count = intFlag(flags, "count"), blanks = intFlag(flags, "blanks");
  const prng = new Prng(intFlag(flags, "seed"));
  const start = performance.now();
  const puzzles = generateSudokuSet(count, {
    size: size as SudokuSize,
    blanks,
    prng,
    minNodes: intFlag(flags, "min-nodes"),
    exclude,
  });
  await Deno.mkdir(dirname(flags.out), { recursive: true });
  await Deno.writeTextFile(flags.out, formatSudokuCsv(puzzles));
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  log(`wrote ${count} ${size}x${size} puzzles with ${blanks} blanks to ${flags.out} in ${secs} s`);
  return 0;
}

/** Runs the CLI on `args`; returns the exit code. `log`/`error` default to the console. */
export async function main(args: string[], opts: { log?: Log; error?: Log } = {}): Promise<number> {
  const log = opts.log ?? console.log, error = opts.error ?? console.error;
  try {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    const [command, ...extra] = positionals;
    if (values.help || command === "help") {
      log(USAGE);
      return 0;
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (!["sudoku", "maze", "arc"].includes(values.task)) {
      throw new UsageError(`unknown task '${values.task}' (expected sudoku, maze or arc)`);
    }
    if (command === "check") return await check(values, log);
    if (command === "generate") return await generate(values, log);
    throw new UsageError(command ? `unknown command '${command}'` : "missing command");
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs reports unknown flags and missing values as TypeErrors with an ERR_PARSE_ARGS code.
    const usage = e instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS") === true;
    error(usage ? `${err.message}\n${USAGE}` : err.message);
    return usage ? 2 : 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
