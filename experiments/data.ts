/**
 * CLI for puzzle data: check a file, or generate one.
 *
 *   deno run -A experiments/data.ts check --task sudoku --path data/sudoku6.csv
 *   deno run -A experiments/data.ts generate --task sudoku --size 6 --blanks 18 --count 1000 \
 *     --seed 0 --out data/sudoku6.csv [--min-nodes 50] [--exclude data/train.csv]
 *
 * Exit codes: 0 done (a check that rejected rows still exits 0 and lists them), 1 the file
 * could not be read or written, 2 bad command line.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname } from "node:path";
import { generateSudokuSet, puzzleKey, type SudokuSize } from "@kit/data/sudoku.ts";
import { formatSudokuCsv, loadSudokuFile } from "@kit/data/sudoku_io.ts";
import { Prng } from "@kit/util/prng.ts";

const USAGE = `usage: data.ts check --task sudoku --path FILE
       data.ts generate --task sudoku --size 4|6|9 --blanks N --out FILE [--count 1000] [--seed 0]
                        [--min-nodes N] [--exclude FILE]`;
const MAX_REASONS = 20;
const OPTIONS = {
  task: { type: "string", default: "sudoku" },
  path: { type: "string" },
  size: { type: "string" },
  blanks: { type: "string" },
  count: { type: "string", default: "1000" },
  seed: { type: "string", default: "0" },
  "min-nodes": { type: "string", default: "0" },
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

/** Loads, verifies (uniqueness included) and prints the rejected rows and a summary. */
async function check(flags: Flags, log: Log): Promise<number> {
  if (!flags.path) throw new UsageError("--path is required");
  const { puzzles, rejected } = await loadSudokuFile(flags.path, { requireUnique: true });
  for (const r of rejected.slice(0, MAX_REASONS)) log(`line ${r.line}: ${r.reason}`);
  if (rejected.length > MAX_REASONS) log(`... and ${rejected.length - MAX_REASONS} more`);
  log(`${puzzles.length} loaded, ${rejected.length} rejected`);
  return 0;
}

/** Generates distinct puzzles and writes them as a question,answer CSV. */
async function generate(flags: Flags, log: Log): Promise<number> {
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
    if (values.task === "maze" || values.task === "arc") {
      throw new UsageError(`task '${values.task}' is not implemented yet (only sudoku is)`);
    }
    if (values.task !== "sudoku") {
      throw new UsageError(`unknown task '${values.task}' (expected sudoku)`);
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
