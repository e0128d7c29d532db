/**
 * Solve your own Sudoku with a trained checkpoint, showing how the answer
 * changed over the supervision steps.
 *
 *   deno task solve --out results/runs/my-run --puzzle "1.3....2...4.1.."
 *   deno task solve --out results/runs/my-run --file my_puzzles.txt
 *
 * A puzzle is 16, 36 or 81 characters, digits with '.' or '0' for blanks
 * (spaces, '|' and line breaks are ignored).
 *
 * @module
 */
import {
  decodeSudoku,
  encodeSudoku,
  formatSudoku,
  loadSudokuFileStrict,
  parsePuzzle,
  solveSudoku,
  type SudokuPuzzle,
  type SudokuSize,
} from "@kit/data/mod.ts";
import { backendFromArgs, loadModel, parseCommandLine, runMain } from "@kit/run/mod.ts";
import { traceAnswer } from "@kit/train/mod.ts";

const FLAGS = {
  out: "string",
  checkpoint: "string",
  puzzle: "string",
  file: "string",
  all: "boolean",
  help: "boolean",
} as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const where = (p.flags.checkpoint ?? p.flags.out) as string | undefined;
  if (p.flags.help || !where || (!p.flags.puzzle && !p.flags.file)) {
    console.log("usage: deno task solve --out RUN_FOLDER (--puzzle CELLS | --file FILE) [--all]");
    return p.flags.help ? 0 : 2;
  }
  await backendFromArgs(p);
  const m = await loadModel(where);
  const puzzles: Uint8Array[] = p.flags.puzzle
    ? [parsePuzzle(p.flags.puzzle as string)]
    : (await loadSudokuFileStrict(p.flags.file as string)).map((x: SudokuPuzzle) => x.question);
  const size = m.cfg.data.size as SudokuSize;
  for (const q of puzzles) {
    if (q.length !== size * size) {
      throw new Error(
        `this model solves ${size}x${size} puzzles; got ${Math.sqrt(q.length)}x${
          Math.sqrt(q.length)
        }`,
      );
    }
  }
  let solved = 0;
  for (const [i, q] of puzzles.entries()) {
    const trace = await traceAnswer(m.model, m.weights, encodeSudoku(q));
    const truth = solveSudoku(q, size, { limit: 2 });
    console.log(`puzzle ${i + 1}:\n${formatSudoku(q, size)}`);
    let prev: Uint8Array | undefined;
    const last = trace.predictions.length - 1;
    for (const [k, pred] of trace.predictions.entries()) {
      const grid = decodeSudoku(pred);
      const changed = prev ? grid.map((v, j) => (v !== prev![j] ? 1 : 0)) : undefined;
      const show = p.flags.all || k === 0 || k === last || (changed?.some((c) => c) ?? false);
      if (show) {
        console.log(
          `after supervision step ${k + 1} (halt probability ${trace.haltProb[k]![0]!.toFixed(2)})${
            changed ? ", changed cells in [ ]" : ""
          }:`,
        );
        console.log(formatSudoku(grid, size, { highlight: changed }));
      }
      prev = grid;
    }
    const final = decodeSudoku(trace.predictions[last]!);
    const ok = truth.count === 1 && truth.solution!.every((v, j) => v === final[j]);
    if (ok) solved++;
    console.log(
      truth.count === 1
        ? (ok ? "correct" : "wrong (the unique solution differs)")
        : `cannot check: the puzzle has ${truth.count === 0 ? "no" : "several"} solutions`,
    );
  }
  if (puzzles.length > 1) console.log(`${solved}/${puzzles.length} solved`);
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
