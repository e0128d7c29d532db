/**
 * Data configuration: which puzzles to train and evaluate on.
 *
 * @module
 */
import type { SudokuSize } from "./sudoku.ts";

/** Where puzzles come from. */
export interface DataConfig {
  /** The task; Maze and ARC follow in later work. */
  task: "sudoku";
  /** Grid side: 4 (2x2 boxes), 6 (2x3 boxes) or 9. */
  size: SudokuSize;
  /** Blank cells per generated puzzle: the difficulty knob. */
  blanks: number;
  /** Reject generated puzzles the solver finishes in fewer search nodes (0: no filter). */
  minNodes: number;
  /** Distinct generated training puzzles (the reference subsamples 1000). */
  trainPuzzles: number;
  /** Distinct generated held-out puzzles, disjoint from training. */
  testPuzzles: number;
  /** Apply a fresh random validity-preserving shuffle to every training example. */
  augment: boolean;
  /** Read training puzzles from this file instead of generating them ("" = generate). */
  trainPath: string;
  /** Read held-out puzzles from this file instead of generating them ("" = generate). */
  testPath: string;
}

export const defaultDataConfig: DataConfig = {
  task: "sudoku",
  size: 9,
  blanks: 50,
  minNodes: 0,
  trainPuzzles: 1000,
  testPuzzles: 1000,
  augment: true,
  trainPath: "",
  testPath: "",
};
