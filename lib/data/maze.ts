/**
 * Maze-Hard for the TRM experiments (paper §5.3; reference
 * `dataset/build_maze_dataset.py`): the maze, its tokens, its deduplication
 * key and its text form. Solving and checking paths live in `maze_solve.ts`,
 * generating with the hardness filter in `maze_generate.ts`, the 8 dihedral
 * augmentations in `maze_augment.ts`.
 *
 * Cells are stored as the reference's tokens, the characters "# SGo" mapped
 * to 1..5, so encoding is a copy: 1 wall, 2 open, 3 start, 4 goal, 5 path,
 * 0 PAD (vocabulary 6). The answer is the question with the open cells of
 * one shortest path marked 5 (start and goal keep their marks).
 *
 * @module
 */

export const WALL = 1, OPEN = 2, START = 3, GOAL = 4, PATH = 5;
/** The reference's characters, index = token - 1. */
export const MAZE_CHARS = "# SGo";
/** Vocabulary with PAD, as the reference (6). */
export const MAZE_VOCAB_SIZE = 6;

/** A maze and its solution, row-major tokens (see the module doc). */
export interface MazePuzzle {
  kind: "maze";
  size: number;
  question: Uint8Array;
  answer: Uint8Array;
}

/** Key for deduplication: the question's characters. */
export function mazeKey(p: MazePuzzle): string {
  return formatMazeRow(p.question);
}

/** Tokens are the cells (see the module doc). */
export function encodeMaze(grid: Uint8Array): Int32Array {
  return Int32Array.from(grid);
}

/** A grid as one row of the reference's characters ("# SGo"). */
export function formatMazeRow(grid: Uint8Array): string {
  return Array.from(grid, (v) => MAZE_CHARS[v - 1] ?? "?").join("");
}

/** A grid as lines of characters, for printing. */
export function formatMaze(grid: Uint8Array, size: number): string {
  const row = formatMazeRow(grid);
  return Array.from({ length: size }, (_, r) => row.slice(r * size, (r + 1) * size)).join("\n");
}
