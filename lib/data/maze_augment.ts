/**
 * The maze augmentation: the 8 dihedral transforms, applied to question and
 * answer alike (the paper's augmentation; the reference builder's `--aug`).
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { dihedral, DIHEDRAL_INVERSE, type DihedralId } from "./augment.ts";
import { formatMazeRow, mazeKey, type MazePuzzle } from "./maze.ts";
import { checkMazePath } from "./maze_solve.ts";

/** Applies one of the 8 dihedral transforms to question and answer alike. */
export function transformMaze(p: MazePuzzle, id: DihedralId): MazePuzzle {
  const t = (g: Uint8Array) => dihedral({ rows: p.size, cols: p.size, cells: g }, id).cells;
  return { kind: "maze", size: p.size, question: t(p.question), answer: t(p.answer) };
}

/** Checks that each of the 8 transforms keeps the path valid and inverts exactly; the first failure, or null. */
export function checkMazeRoundTrips(p: MazePuzzle): string | null {
  for (let id = 0; id < 8; id++) {
    const t = transformMaze(p, id as DihedralId);
    const problem = checkMazePath(t.question, t.answer, t.size);
    if (problem) return `transform t${id}: ${problem}`;
    const back = transformMaze(t, DIHEDRAL_INVERSE[id]!);
    if (mazeKey(back) !== mazeKey(p) || formatMazeRow(back.answer) !== formatMazeRow(p.answer)) {
      return `transform t${id} does not invert`;
    }
  }
  return null;
}

/** One of the 8 dihedral transforms at random (the paper's augmentation; the builder's `--aug`). */
export function augmentMaze(p: MazePuzzle, prng: Prng): MazePuzzle {
  return transformMaze(p, prng.int(8) as DihedralId);
}
