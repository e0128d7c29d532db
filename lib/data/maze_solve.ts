/**
 * Solving mazes and checking paths: breadth-first search from the start, the
 * shortest path as the target, and a verifier of predicted paths.
 *
 * @module
 */
import { GOAL, MAZE_CHARS, OPEN, PATH, START, WALL } from "./maze.ts";

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
