/**
 * Reading and writing mazes in the reference's CSV layout
 * (`sapientinc/maze-30x30-hard-1k`: `source,question,answer,rating`).
 *
 * @module
 */
import { formatMazeRow, MAZE_CHARS, type MazePuzzle } from "./maze.ts";
import { checkMazePath, pathLength } from "./maze_solve.ts";

/** What a load found: the good mazes, and each bad row with its 1-based line and reason. */
export interface MazeLoadResult {
  puzzles: MazePuzzle[];
  rejected: { line: number; reason: string }[];
}

/**
 * Parses the reference's CSV (`source,question,answer,rating`, as in
 * `sapientinc/maze-30x30-hard-1k`) or a `question,answer` CSV, with a header
 * naming the columns. Cells are the characters "# SGo"; fields are not
 * trimmed, because a space is an open cell. Each answer must mark a valid
 * shortest path; bad rows are listed, the others still load.
 */
export function parseMazeCsv(text: string, file: string): MazeLoadResult {
  const out: MazeLoadResult = { puzzles: [], rejected: [] };
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const header = lines[0]?.split(",").map((h) => h.trim().toLowerCase()) ?? [];
  const qi = header.indexOf("question"), ai = header.indexOf("answer");
  if (qi < 0 || ai < 0) {
    throw new Error(`${file}:1: header must name question and answer columns, got "${lines[0]}"`);
  }
  let size = 0;
  for (let k = 1; k < lines.length; k++) {
    if (lines[k] === "") continue;
    try {
      const fields = lines[k]!.split(",");
      if (fields.length !== header.length) {
        throw new Error(`expected ${header.length} fields as in the header, got ${fields.length}`);
      }
      const q = parseMazeRow(fields[qi]!, "question"), a = parseMazeRow(fields[ai]!, "answer");
      const side = Math.round(Math.sqrt(q.length));
      if (side * side !== q.length) throw new Error(`question has ${q.length} cells, not a square`);
      if (size && side !== size) {
        throw new Error(`${side}x${side} maze in a file of ${size}x${size}`);
      }
      const problem = checkMazePath(q, a, side);
      if (problem) throw new Error(problem);
      size = side;
      out.puzzles.push({ kind: "maze", size: side, question: q, answer: a });
    } catch (e) {
      out.rejected.push({ line: k + 1, reason: (e as Error).message });
    }
  }
  return out;
}

function parseMazeRow(text: string, what: string): Uint8Array {
  const cells = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const t = MAZE_CHARS.indexOf(text[i]!);
    if (t < 0) {
      throw new Error(`${what} has '${text[i]}' at column ${i + 1} (expected one of "# SGo")`);
    }
    cells[i] = t + 1;
  }
  return cells;
}

/** Reads a maze CSV (see {@link parseMazeCsv}); a missing file is an error naming the path. */
export async function loadMazeFile(path: string): Promise<MazeLoadResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`cannot read maze file ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseMazeCsv(text, path);
}

/** Mazes as a CSV in the reference's layout, which {@link parseMazeCsv} reads back. */
export function formatMazeCsv(puzzles: readonly MazePuzzle[], source = "trm-kit"): string {
  const rows = puzzles.map((p) =>
    `${source},${formatMazeRow(p.question)},${formatMazeRow(p.answer)},${pathLength(p.answer)}\n`
  );
  return "source,question,answer,rating\n" + rows.join("");
}
