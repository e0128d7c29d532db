/**
 * ARC-AGI data (paper §5.4; reference `dataset/build_arc_dataset.py`,
 * `evaluators/arc.py`): a loader for the ARC JSON task format (ARC-AGI-1 and
 * ARC-AGI-2: a folder of one file per task, or one combined Kaggle-style file
 * with its `_solutions.json` beside it), and the reference's encoding.
 *
 * Encoding: each grid sits on a 30×30 canvas (row-major, 900 tokens) at a
 * top-left offset, colours 0..9 become tokens 2..11, PAD is 0 and an EOS (1)
 * border marks the row below and the column right of the grid (the corner is
 * not marked). Vocabulary 12. Labels use PAD as the ignore label, so the EOS
 * border is predicted and cropping a prediction finds its shape.
 *
 * @module
 */
import { type Grid, gridFromRows } from "./augment.ts";
import { exists } from "../util/fs.ts";

export const ARC_PAD = 0, ARC_EOS = 1, ARC_COLOUR_OFFSET = 2;
/** Vocabulary: PAD, EOS and 10 colours. */
export const ARC_VOCAB_SIZE = 12;
/** The largest ARC grid side, and the reference's canvas side. */
export const ARC_MAX_SIZE = 30;

/** An input grid and, except for unsolved test inputs, its output. */
export interface ArcPair {
  input: Grid;
  output?: Grid;
}

/** One task: demonstration pairs (`train`) and test pairs. */
export interface ArcTask {
  id: string;
  /** The file it came from, for messages. */
  file: string;
  train: ArcPair[];
  test: ArcPair[];
}

/** Tasks that loaded, and the ones that did not with the reason. */
export interface ArcLoadResult {
  tasks: ArcTask[];
  rejected: { file: string; id: string; reason: string }[];
}

/** A malformed task: the message names the file, the task and the problem. */
export class ArcFormatError extends Error {
  constructor(readonly file: string, readonly id: string, readonly problem: string) {
    super(`${file}${file.endsWith(`${id}.json`) ? "" : ` (task ${id})`}: ${problem}`);
    this.name = "ArcFormatError";
  }
}

/** Checks one grid of the JSON: rows of integers 0..9, rectangular, 1..30 per side. */
function parseGrid(value: unknown, where: string): Grid {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${where} is not a non-empty list of rows`);
  }
  const rows = value as unknown[];
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new Error(`${where} row 1 is not a non-empty list`);
  }
  if (rows.length > ARC_MAX_SIZE || first.length > ARC_MAX_SIZE) {
    throw new Error(
      `${where} is ${rows.length}x${first.length}, over the ${ARC_MAX_SIZE}x${ARC_MAX_SIZE} limit`,
    );
  }
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) throw new Error(`${where} row ${r + 1} is not a list`);
    if (row.length !== first.length) {
      throw new Error(
        `${where} is ragged: row ${r + 1} has ${row.length} cells, row 1 has ${first.length}`,
      );
    }
    row.forEach((v, c) => {
      if (!(Number.isInteger(v) && v >= 0 && v <= 9)) {
        throw new Error(
          `${where} has value ${JSON.stringify(v)} at row ${r + 1}, column ${c + 1} (expected 0-9)`,
        );
      }
    });
  });
  return gridFromRows(rows as number[][]);
}

function parsePairs(value: unknown, key: "train" | "test", needOutput: boolean): ArcPair[] {
  if (value === undefined) throw new Error(`missing "${key}" key`);
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`"${key}" is not a non-empty list`);
  }
  return value.map((p: unknown, i) => {
    const where = `${key}[${i}]`;
    if (typeof p !== "object" || p === null) throw new Error(`${where} is not an object`);
    const pair = p as Record<string, unknown>;
    if (pair.input === undefined) throw new Error(`${where} has no "input"`);
    if (pair.output === undefined && needOutput) throw new Error(`${where} has no "output"`);
    return {
      input: parseGrid(pair.input, `${where}.input`),
      ...(pair.output === undefined ? {} : { output: parseGrid(pair.output, `${where}.output`) }),
    };
  });
}

/** Parses one task object; throws {@link ArcFormatError} naming the file and the problem. */
export function parseArcTask(json: unknown, id: string, file: string): ArcTask {
  try {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new Error('a task must be an object with "train" and "test" lists');
    }
    const t = json as Record<string, unknown>;
    return {
      id,
      file,
      train: parsePairs(t.train, "train", true),
      test: parsePairs(t.test, "test", false),
    };
  } catch (e) {
    if (e instanceof ArcFormatError) throw e;
    throw new ArcFormatError(file, id, (e as Error).message);
  }
}

/**
 * Parses tasks from text: one task (`oneTask`, or when it has "train" or
 * "test"), else an object of tasks by id; `solutions` fills test outputs.
 */
export function parseArcText(
  text: string,
  file: string,
  opts: { oneTask?: boolean; solutions?: unknown } = {},
): ArcLoadResult {
  const out: ArcLoadResult = { tasks: [], rejected: [] };
  const id = file.replace(/^.*\//, "").replace(/\.json$/, "");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    out.rejected.push({ file, id, reason: `${file}: not valid JSON (${(e as Error).message})` });
    return out;
  }
  const obj = typeof json === "object" && json !== null && !Array.isArray(json)
    ? json as Record<string, unknown>
    : undefined;
  const single = opts.oneTask || !obj || "train" in obj || "test" in obj ||
    Object.keys(obj).length === 0;
  const entries = single || !obj ? [[id, json] as const] : Object.entries(obj);
  for (const [taskId, task] of entries) {
    try {
      const parsed = parseArcTask(task, taskId, file);
      addSolutions(parsed, (opts.solutions as Record<string, unknown> | undefined)?.[taskId]);
      out.tasks.push(parsed);
    } catch (e) {
      out.rejected.push({ file, id: taskId, reason: (e as Error).message });
    }
  }
  return out;
}

/** Fills test outputs from a Kaggle `_solutions.json` entry (a list of grids). */
function addSolutions(task: ArcTask, grids: unknown): void {
  if (grids === undefined) return;
  if (!Array.isArray(grids) || grids.length !== task.test.length) {
    throw new ArcFormatError(
      task.file,
      task.id,
      `solutions do not match the ${task.test.length} test inputs`,
    );
  }
  task.test.forEach((p, i) => {
    try {
      p.output = parseGrid(grids[i], `solution ${i + 1}`);
    } catch (e) {
      throw new ArcFormatError(task.file, task.id, (e as Error).message);
    }
  });
}

/**
 * Loads every task under `path`: a folder of `<id>.json` files (the ARC-AGI
 * repositories' layout, read in name order) or one JSON file (a task, or
 * tasks by id as Kaggle's `arc-agi_<set>_challenges.json`, whose
 * `_solutions.json` sibling is read when present). Bad tasks are listed with
 * the reason; the others still load.
 */
export async function loadArc(path: string): Promise<ArcLoadResult> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    throw new Error(`cannot read ARC tasks at ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!info.isDirectory) {
    const solutionsPath = path.replace(/_challenges\.json$/, "_solutions.json");
    const solutions = solutionsPath !== path && (await exists(solutionsPath))
      ? JSON.parse(await Deno.readTextFile(solutionsPath))
      : undefined;
    return parseArcText(await Deno.readTextFile(path), path, { solutions });
  }
  const names: string[] = [];
  for await (const e of Deno.readDir(path)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  names.sort();
  const out: ArcLoadResult = { tasks: [], rejected: [] };
  for (const name of names) {
    const r = parseArcText(await Deno.readTextFile(`${path}/${name}`), `${path}/${name}`, {
      oneTask: true,
    });
    out.tasks.push(...r.tasks);
    out.rejected.push(...r.rejected);
  }
  return out;
}

/**
 * A grid as canvas tokens (`np_grid_to_seq_translational_augment`): colours
 * + 2 at the offset, EOS below and right of the grid where the canvas has
 * room, PAD elsewhere.
 */
export function encodeArcGrid(
  g: Grid,
  opts: { canvas?: number; offset?: [number, number] } = {},
): Int32Array {
  const n = opts.canvas ?? ARC_MAX_SIZE;
  const [r0, c0] = opts.offset ?? [0, 0];
  if (r0 + g.rows > n || c0 + g.cols > n) {
    throw new Error(`a ${g.rows}x${g.cols} grid at (${r0}, ${c0}) does not fit a ${n}x${n} canvas`);
  }
  const out = new Int32Array(n * n);
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      out[(r0 + r) * n + c0 + c] = g.cells[r * g.cols + c]! + ARC_COLOUR_OFFSET;
    }
  }
  const endR = r0 + g.rows, endC = c0 + g.cols;
  if (endR < n) { for (let c = c0; c < endC; c++) out[endR * n + c] = ARC_EOS; }
  if (endC < n) { for (let r = r0; r < endR; r++) out[r * n + endC] = ARC_EOS; }
  return out;
}

/**
 * The reference's `_crop`: the largest rectangle from the top-left (or from
 * `offset`) whose tokens are all colours, decoded. A prediction with no
 * colour there crops to an empty 0x0 grid.
 */
export function cropArcGrid(
  tokens: ArrayLike<number>,
  opts: { canvas?: number; offset?: [number, number] } = {},
): Grid {
  const n = opts.canvas ?? ARC_MAX_SIZE;
  const [r0, c0] = opts.offset ?? [0, 0];
  const isColour = (t: number) => t >= ARC_COLOUR_OFFSET && t < ARC_COLOUR_OFFSET + 10;
  let width = n - c0, best = 0, rows = 0, cols = 0;
  for (let r = 1; r <= n - r0; r++) {
    for (let c = 0; c < width; c++) {
      if (!isColour(tokens[(r0 + r - 1) * n + c0 + c]!)) {
        width = c;
        break;
      }
    }
    if (r * width > best) [best, rows, cols] = [r * width, r, width];
  }
  const cells = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      cells[r * cols + c] = tokens[(r0 + r) * n + c0 + c]! - ARC_COLOUR_OFFSET;
    }
  }
  return { rows, cols, cells };
}
