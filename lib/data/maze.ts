/**
 * Maze-Hard for the TRM experiments (paper §5.3; reference
 * `dataset/build_maze_dataset.py`): a seeded generator of N×N mazes with a
 * start and a goal, the shortest path by breadth-first search as the target,
 * a hardness filter on the path length, the reference's tokens, the 8
 * dihedral augmentations, and a verifier of predicted paths.
 *
 * Cells are stored as the reference's tokens, the characters "# SGo" mapped
 * to 1..5, so encoding is a copy: 1 wall, 2 open, 3 start, 4 goal, 5 path,
 * 0 PAD (vocabulary 6). The answer is the question with the open cells of
 * one shortest path marked 5 (start and goal keep their marks).
 *
 * @module
 */
import { distinctSet } from "./distinct.ts";
import type { Prng } from "../util/prng.ts";
import { dihedral, DIHEDRAL_INVERSE, type DihedralId } from "./augment.ts";

export const WALL = 1, OPEN = 2, START = 3, GOAL = 4, PATH = 5;
/** The reference's characters, index = token - 1. */
export const MAZE_CHARS = "# SGo";
/** Vocabulary with PAD, as the reference (6). */
export const MAZE_VOCAB_SIZE = 6;
/** Maze-Hard keeps 30×30 mazes whose shortest path is longer than this. */
export const MAZE_HARD_MIN_PATH = 110;

/** A maze and its solution, row-major tokens (see the module doc). */
export interface MazePuzzle {
  kind: "maze";
  size: number;
  question: Uint8Array;
  answer: Uint8Array;
}

/**
 * The hardness threshold for an N×N maze: Maze-Hard's 110 moves at 30×30,
 * scaled by the area (a winding path fills a share of the cells), so 10×10
 * needs more than 12 moves.
 */
export function defaultMinPath(size: number): number {
  return Math.floor((MAZE_HARD_MIN_PATH * size * size) / 900);
}

/** Orthogonal neighbours of cell i in an N×N grid. */
function neighbours(i: number, n: number): number[] {
  const r = Math.floor(i / n), c = i % n, out: number[] = [];
  if (r > 0) out.push(i - n);
  if (r < n - 1) out.push(i + n);
  if (c > 0) out.push(i - 1);
  if (c < n - 1) out.push(i + 1);
  return out;
}

/**
 * Breadth-first search from the start over non-wall cells: distance of each
 * cell in moves (-1 unreachable) and the number of shortest paths to it
 * (capped at 2, enough to tell unique from not).
 */
export function bfs(question: Uint8Array, size: number): { dist: Int32Array; ways: Uint8Array } {
  const dist = new Int32Array(question.length).fill(-1);
  const ways = new Uint8Array(question.length);
  const start = question.indexOf(START);
  if (start < 0) return { dist, ways };
  const queue = [start];
  dist[start] = 0, ways[start] = 1;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    for (const j of neighbours(i, size)) {
      if (question[j] === WALL) continue;
      if (dist[j] === -1) {
        dist[j] = dist[i]! + 1;
        queue.push(j);
      }
      if (dist[j] === dist[i]! + 1) ways[j] = Math.min(2, ways[j]! + ways[i]!);
    }
  }
  return { dist, ways };
}

/** The answer: one shortest path marked, found by walking back from the goal; null if unreachable. */
export function solveMaze(question: Uint8Array, size: number): Uint8Array | null {
  const { dist } = bfs(question, size);
  let i = question.indexOf(GOAL);
  if (i < 0 || dist[i]! < 0) return null;
  const answer = question.slice();
  while (dist[i]! > 0) {
    // The first neighbour one step closer: a fixed tie-break, so the label is deterministic.
    i = neighbours(i, size).find((j) => dist[j] === dist[i]! - 1)!;
    if (answer[i] === OPEN) answer[i] = PATH;
  }
  return answer;
}

/** Moves on the marked path from start to goal (path cells + 1). */
export function pathLength(answer: Uint8Array): number {
  return answer.filter((v) => v === PATH).length + 1;
}

/**
 * Null when `answer` marks a valid shortest path for `question`, else the
 * first problem: the path must change only open cells, be connected from
 * start to goal, and have the BFS length (any shortest path is accepted).
 */
export function checkMazePath(
  question: Uint8Array,
  answer: Uint8Array,
  size: number,
): string | null {
  const n = size * size;
  if (question.length !== n || answer.length !== n) {
    return `expected ${n} cells, got question ${question.length} and answer ${answer.length}`;
  }
  for (let i = 0; i < n; i++) {
    const q = question[i]!, a = answer[i]!;
    if (q < WALL || q > GOAL) return `question has token ${q} at ${cellName(i, size)}`;
    if (a !== q && !(q === OPEN && a === PATH)) {
      return `answer changes ${MAZE_CHARS[q - 1]!.replace(" ", "open")} to token ${a} at ${
        cellName(i, size)
      }`;
    }
  }
  const starts = count(question, START), goals = count(question, GOAL);
  if (starts !== 1 || goals !== 1) {
    return `expected one start and one goal, got ${starts} and ${goals}`;
  }
  const shortest = bfs(question, size).dist[question.indexOf(GOAL)]!;
  if (shortest < 0) return "goal is unreachable";
  // Walk the marked path from the start; every step must have exactly one way on.
  const onPath = (j: number) => answer[j] === PATH || answer[j] === GOAL;
  let at = question.indexOf(START), prev = -1, moves = 0;
  while (answer[at] !== GOAL) {
    const next = neighbours(at, size).filter((j) => j !== prev && onPath(j));
    if (next.length !== 1) {
      return next.length === 0
        ? `path breaks off at ${cellName(at, size)}`
        : `path branches at ${cellName(at, size)}`;
    }
    prev = at, at = next[0]!, moves++;
    if (moves > n) return `path loops at ${cellName(at, size)}`;
  }
  if (moves !== pathLength(answer)) {
    return `${pathLength(answer) - moves} marked cells off the path`;
  }
  if (moves !== shortest) return `path has ${moves} moves, the shortest has ${shortest}`;
  return null;
}

function count(g: Uint8Array, v: number): number {
  return g.reduce((k, x) => k + (x === v ? 1 : 0), 0);
}

/** Row/column of a cell, 1-based, as r<row>c<col>. */
function cellName(i: number, size: number): string {
  return `r${Math.floor(i / size) + 1}c${(i % size) + 1}`;
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

/** Key for deduplication: the question's characters. */
export function mazeKey(p: MazePuzzle): string {
  return formatMazeRow(p.question);
}

/** `count` distinct mazes, none of whose keys is in `exclude` (to keep test apart from train). */
export function generateMazeSet(
  count: number,
  opts: MazeOptions & { exclude?: Set<string>; onProgress?: (done: number, total: number) => void },
): MazePuzzle[] {
  // A small maze size has few distinct mazes: distinctSet stops rather than loop forever.
  return distinctSet(count, () => generateMaze(opts), mazeKey, { ...opts, noun: "mazes" });
}

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
