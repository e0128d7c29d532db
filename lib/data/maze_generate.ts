/**
 * Generating mazes: a seeded generator of N×N mazes with a start and a goal,
 * kept only when the shortest path passes the hardness filter, and distinct
 * sets of them.
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { distinctSet } from "./distinct.ts";
import { GOAL, mazeKey, type MazePuzzle, OPEN, START, WALL } from "./maze.ts";
import { bfs, solveMaze } from "./maze_solve.ts";

/** Maze-Hard keeps 30×30 mazes whose shortest path is longer than this. */
export const MAZE_HARD_MIN_PATH = 110;

/**
 * The hardness threshold for an N×N maze: Maze-Hard's 110 moves at 30×30,
 * scaled by the area (a winding path fills a share of the cells), so 10×10
 * needs more than 12 moves.
 */
export function defaultMinPath(size: number): number {
  return Math.floor((MAZE_HARD_MIN_PATH * size * size) / 900);
}

/** Options of {@link generateMaze}. */
export interface MazeOptions {
  size: number;
  prng: Prng;
  /** Keep mazes whose shortest path has more moves than this (default {@link defaultMinPath}). */
  minPath?: number;
  /** Require a unique shortest path, so the label is not an arbitrary tie-break (default true). */
  uniquePath?: boolean;
  /** Fresh mazes tried before giving up (default 100000). */
  maxAttempts?: number;
}

/** Share of the walls between two rooms that are knocked down, so mazes have loops. */
const LOOP_SHARE = 0.1;

/**
 * A random maze: rooms on the even rows and columns joined into a spanning
 * tree by a randomised depth-first search, then a share of the remaining
 * walls between rooms knocked down so that the maze has loops (several
 * routes, one of them shortest). Start and goal are random open cells;
 * mazes are drawn until the shortest path is longer than `minPath` moves
 * (and unique, unless `uniquePath` is false), the reference's hardness
 * filter. The reference's own generator (Lehnert et al. 2024) is not
 * published with it; uniformly random walls almost never give the paths of
 * over 110 moves that Maze-Hard keeps at 30×30, corridors do.
 */
export function generateMaze(opts: MazeOptions): MazePuzzle {
  const { size, prng, uniquePath = true, maxAttempts = 100_000 } = opts;
  const minPath = opts.minPath ?? defaultMinPath(size);
  if (!Number.isInteger(size) || size < 3 || size > 64) {
    throw new Error(`maze size must be an integer from 3 to 64, got ${size}`);
  }
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const question = corridors(size, prng);
    const open = [];
    for (let i = 0; i < question.length; i++) if (question[i] === OPEN) open.push(i);
    const s = prng.int(open.length);
    const goal = open[(s + 1 + prng.int(open.length - 1)) % open.length]!;
    question[open[s]!] = START;
    question[goal] = GOAL;
    const { dist, ways } = bfs(question, size);
    if (dist[goal]! <= minPath || (uniquePath && ways[goal] !== 1)) continue;
    return { kind: "maze", size, question, answer: solveMaze(question, size)! };
  }
  throw new Error(
    `no ${size}x${size} maze with a ${uniquePath ? "unique " : ""}shortest path longer than ` +
      `${minPath} moves in ${maxAttempts} attempts; lower the minimum path length`,
  );
}

/** Walls and open cells: a depth-first spanning tree of the rooms, plus loops. */
function corridors(size: number, prng: Prng): Uint8Array {
  const g = new Uint8Array(size * size).fill(WALL);
  const rooms = Math.ceil(size / 2); // per side, at even coordinates
  const at = (r: number, c: number) => 2 * r * size + 2 * c;
  const seen = new Uint8Array(rooms * rooms);
  const stack = [prng.int(rooms * rooms)];
  seen[stack[0]!] = 1;
  g[at(Math.floor(stack[0]! / rooms), stack[0]! % rooms)] = OPEN;
  while (stack.length) {
    const k = stack[stack.length - 1]!, r = Math.floor(k / rooms), c = k % rooms;
    const next = [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]].filter(([y, x]) =>
      y! >= 0 && y! < rooms && x! >= 0 && x! < rooms && !seen[y! * rooms + x!]
    );
    if (!next.length) {
      stack.pop();
      continue;
    }
    const [y, x] = next[prng.int(next.length)]!;
    seen[y! * rooms + x!] = 1;
    g[at(y!, x!)] = OPEN;
    g[(at(r, c) + at(y!, x!)) / 2] = OPEN; // the wall between them
    stack.push(y! * rooms + x!);
  }
  // Walls between two rooms: odd on exactly one axis, even on the other.
  for (let i = 0; i < g.length; i++) {
    const r = Math.floor(i / size), c = i % size;
    if (g[i] !== WALL || (r % 2) + (c % 2) !== 1) continue;
    const between = r % 2 ? r + 1 < size : c + 1 < size;
    if (between && prng.next() < LOOP_SHARE) g[i] = OPEN;
  }
  return g;
}

/** `count` distinct mazes, none of whose keys is in `exclude` (to keep test apart from train). */
export function generateMazeSet(
  count: number,
  opts: MazeOptions & { exclude?: Set<string>; onProgress?: (done: number, total: number) => void },
): MazePuzzle[] {
  // A small maze size has few distinct mazes: distinctSet stops rather than loop forever.
  return distinctSet(count, () => generateMaze(opts), mazeKey, { ...opts, noun: "mazes" });
}
