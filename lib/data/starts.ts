/**
 * Where test-time trajectories start (lib/train/think.ts): every puzzle as it
 * is, or, for trajectories after the first, a random augmentation of it (a
 * Sudoku relabelling with row and column shuffles, a maze's dihedral
 * transform) whose answers are mapped back to the puzzle's own frame.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { DIHEDRAL_INVERSE, type DihedralId } from "./augment.ts";
import type { Encoded } from "./encoding.ts";
import { transformMaze } from "./maze_augment.ts";
import type { TaskPuzzle } from "./puzzles.ts";
import { decodeSudoku, encodeSudoku } from "./sudoku.ts";
import {
  applySudokuTransform,
  invertSudokuTransform,
  randomSudokuTransform,
} from "./sudoku_augment.ts";

/** How trajectories 1..K-1 start: from the puzzle itself, or from a random augmentation of it. */
export type TrajectoryStart = "same" | "augment";

/** One row: question and labels as the model sees them, and how to map its answer back. */
export interface TrajectoryRow {
  inputs: Int32Array;
  labels: Int32Array;
  /** Absent when the row is the puzzle itself. */
  back?: (tokens: Int32Array) => Int32Array;
}

/** A random augmentation of one Sudoku or maze as model tokens, and the map of its answers back. */
export function augmentedStart(p: TaskPuzzle, prng: Prng): TrajectoryRow {
  if (p.kind === "arc") {
    throw new Error(
      "augmented starts need Sudoku or maze puzzles (ARC votes over its own versions)",
    );
  }
  if (p.kind === "sudoku") {
    const t = randomSudokuTransform(p.size, prng);
    const to = (g: Uint8Array) => encodeSudoku(applySudokuTransform(g, t));
    return {
      inputs: to(p.question),
      labels: to(p.answer),
      back: (tokens) => encodeSudoku(invertSudokuTransform(decodeSudoku(tokens), t)),
    };
  }
  const id = prng.int(8) as DihedralId;
  const moved = transformMaze(p, id);
  const undo = (tokens: Int32Array) => {
    const grid = Uint8Array.from(tokens);
    return transformMaze({ ...p, question: grid, answer: grid }, DIHEDRAL_INVERSE[id]!).question;
  };
  return {
    inputs: Int32Array.from(moved.question),
    labels: Int32Array.from(moved.answer),
    back: (tokens) => Int32Array.from(undo(tokens)),
  };
}

/**
 * The rows of the first `count` puzzles, K per puzzle (row p·K + k): the
 * first as the puzzle is, the others too or (augment) a random augmentation,
 * drawn in puzzle order from `prng` so that a puzzle's starts do not depend
 * on how the rows are batched.
 */
export function trajectoryRows(
  puzzles: readonly TaskPuzzle[],
  data: Encoded,
  opts: { count: number; samples: number; start: TrajectoryStart; prng: Prng },
): TrajectoryRow[] {
  const s = data.seqLen, rows: TrajectoryRow[] = [];
  for (let p = 0; p < opts.count; p++) {
    const plain = {
      inputs: data.inputs.subarray(p * s, (p + 1) * s),
      labels: data.labels.subarray(p * s, (p + 1) * s),
    };
    rows.push(plain);
    for (let k = 1; k < opts.samples; k++) {
      rows.push(opts.start === "augment" ? augmentedStart(puzzles[p]!, opts.prng) : plain);
    }
  }
  return rows;
}
