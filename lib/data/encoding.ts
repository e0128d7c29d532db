/**
 * Puzzles as model tokens: question tokens as inputs, answer tokens as
 * labels, row-major, with ARC's puzzle identifiers.
 *
 * @module
 */
import { type ArcGroup, arcTestExamples } from "./arc_dataset.ts";
import { encodeMaze } from "./maze.ts";
import type { GridPuzzle, TaskPuzzle } from "./puzzles.ts";
import { encodeSudoku } from "./sudoku.ts";

/** Token inputs and labels of many examples, row-major [N, S]. */
export interface Encoded {
  count: number;
  seqLen: number;
  inputs: Int32Array;
  labels: Int32Array;
  /** Puzzle identifier of each example [N] (ARC); absent means every example uses id 0. */
  puzzleIds?: Int32Array;
}

/**
 * Encodes puzzles as model inputs (question tokens) and labels (answer
 * tokens). ARC groups give every augmented version of every pair, untranslated,
 * with its puzzle id: the reference's test split.
 */
export function encodePuzzles(puzzles: readonly TaskPuzzle[]): Encoded {
  const first = puzzles[0];
  if (first?.kind === "arc") {
    const ex = arcTestExamples(puzzles as ArcGroup[]);
    return {
      ...concatEncoded(ex.inputs, ex.labels, first.canvas ** 2),
      puzzleIds: Int32Array.from(ex.puzzleIds),
    };
  }
  const grids = puzzles as GridPuzzle[];
  const encode = first?.kind === "maze" ? encodeMaze : encodeSudoku;
  const seqLen = first ? first.size * first.size : 0;
  return concatEncoded(
    grids.map((p) => encode(p.question)),
    grids.map((p) => encode(p.answer)),
    seqLen,
  );
}

/** Examples given one by one, as one {@link Encoded} (no puzzle ids). */
export function concatEncoded(
  inputs: Int32Array[],
  labels: Int32Array[],
  seqLen: number,
): Encoded {
  const out = {
    count: inputs.length,
    seqLen,
    inputs: new Int32Array(inputs.length * seqLen),
    labels: new Int32Array(inputs.length * seqLen),
  };
  inputs.forEach((x, i) => out.inputs.set(x, i * seqLen));
  labels.forEach((x, i) => out.labels.set(x, i * seqLen));
  return out;
}
