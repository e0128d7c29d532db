/**
 * The unit of sampling of every task, told apart by its `kind`: a Sudoku, a
 * maze, or an ARC task's pairs in one split; and the per-kind augmentation
 * that datasets (fixed versions) and the sampler (fresh ones) share.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import type { ArcGroup } from "./arc_dataset.ts";
import type { MazePuzzle } from "./maze.ts";
import { augmentMaze } from "./maze_augment.ts";
import type { SudokuPuzzle } from "./sudoku.ts";
import { augmentSudoku } from "./sudoku_augment.ts";

/** One unit of sampling: a Sudoku, a maze, or an ARC task's pairs in one split. */
export type TaskPuzzle = SudokuPuzzle | MazePuzzle | ArcGroup;

/** The puzzles that are one grid and its answer (Sudoku and maze; not ARC groups). */
export type GridPuzzle = SudokuPuzzle | MazePuzzle;

/** One random validity-preserving augmentation: a Sudoku shuffle or a maze's dihedral transform. */
export function augmentPuzzle(p: GridPuzzle, prng: Prng): GridPuzzle {
  return p.kind === "maze" ? augmentMaze(p, prng) : augmentSudoku(p, prng);
}
