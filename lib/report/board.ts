/**
 * Puzzles as SVG, for teaching: one board (Sudoku, maze or ARC grid), and a
 * strip of the answer y decoded after every supervision step (paper §4,
 * deep supervision) with the cells that changed since the previous frame
 * outlined and the cells that are wrong against the solution in red.
 *
 * @module
 */
import { decodeSudoku } from "../data/sudoku.ts";
import type { Trace } from "../train/trace.ts";

/** How cell values are drawn. */
export type BoardKind = "sudoku" | "maze" | "arc";

/** A grid of cell values, row-major. */
export interface Board {
  kind: BoardKind;
  rows: number;
  cols: number;
  /** Sudoku: 0 blank, 1..size digits. Maze: tokens, see {@link MAZE_COLORS}. ARC: colours 0-9. */
  cells: ArrayLike<number>;
  /** Sudoku box shape, for the thick lines. */
  box?: { rows: number; cols: number };
  /** Non-zero where the question gave the cell (drawn bold on grey). */
  givens?: ArrayLike<number>;
}

/** Per-cell marks (non-zero / true = marked). */
export interface BoardMarks {
  changed?: ArrayLike<number | boolean>;
  wrong?: ArrayLike<number | boolean>;
}

/**
 * Maze cells are the maze task's tokens (lib/data/maze.ts): 0 PAD, 1 wall,
 * 2 open, 3 start, 4 goal, 5 path.
 */
export const MAZE_COLORS = ["#f0f0f0", "#2d2d2d", "#ffffff", "#2ecc40", "#ff4136", "#4a90d9"];

/** The ARC palette, colours 0-9 as in the ARC-AGI viewer. */
export const ARC_COLORS = [
  "#000000",
  "#0074d9",
  "#ff4136",
  "#2ecc40",
  "#ffdc00",
  "#aaaaaa",
  "#f012be",
  "#ff851b",
  "#7fdbff",
  "#870c25",
]; // prettier-ignore

const FONT = "DejaVu Sans, sans-serif";
const CHANGED = "#ff8c00";
const WRONG = "#d62728";

/** A Sudoku grid as a {@link Board}; `question` marks the givens. */
export function sudokuBoard(grid: ArrayLike<number>, question?: ArrayLike<number>): Board {
  const size = Math.round(Math.sqrt(grid.length));
  const box = { 4: { rows: 2, cols: 2 }, 6: { rows: 2, cols: 3 }, 9: { rows: 3, cols: 3 } }[size];
  if (!box || size * size !== grid.length) {
    throw new Error(`a Sudoku grid has 16, 36 or 81 cells; got ${grid.length}`);
  }
  return { kind: "sudoku", rows: size, cols: size, cells: grid, box, givens: question };
}

/** A square maze grid (tokens as in lib/data/maze.ts) as a {@link Board}. */
export function mazeBoard(grid: ArrayLike<number>): Board {
  const size = Math.round(Math.sqrt(grid.length));
  if (size * size !== grid.length) {
    throw new Error(`a maze grid is square; got ${grid.length} cells`);
  }
  return { kind: "maze", rows: size, cols: size, cells: grid };
}

/** The board's cells as SVG elements, top-left at (x, y). */
function boardGroup(b: Board, marks: BoardMarks, x: number, y: number, cell: number): string {
  if (b.cells.length !== b.rows * b.cols) {
    throw new Error(
      `board of ${b.rows}x${b.cols} needs ${b.rows * b.cols} cells, got ${b.cells.length}`,
    );
  }
  const out: string[] = [`<g class="board" transform="translate(${x},${y})">`];
  for (let i = 0; i < b.cells.length; i++) {
    const r = Math.floor(i / b.cols), c = i % b.cols, v = b.cells[i]!;
    const cx = c * cell, cy = r * cell;
    const given = Boolean(b.givens?.[i]), wrong = Boolean(marks.wrong?.[i]);
    const fill = b.kind === "sudoku"
      ? (wrong ? "#fde0dd" : given ? "#e8e8e8" : "#ffffff")
      : (b.kind === "arc" ? ARC_COLORS : MAZE_COLORS)[v] ?? "#ff00ff";
    out.push(
      `<rect class="cell" x="${cx}" y="${cy}" width="${cell}" height="${cell}" fill="${fill}" stroke="#bbb" stroke-width="0.5"/>`,
    );
    if (b.kind === "sudoku" && v > 0) {
      const color = wrong ? WRONG : given ? "#000" : "#1f4e9c";
      out.push(
        `<text x="${cx + cell / 2}" y="${cy + cell * 0.7}" font-size="${
          cell * 0.6
        }" text-anchor="middle" fill="${color}"${given ? ' font-weight="bold"' : ""}>${v}</text>`,
      );
    } else if (b.kind !== "sudoku" && wrong) {
      const p = cell * 0.2;
      out.push(
        `<path class="wrong" d="M${cx + p},${cy + p}L${cx + cell - p},${cy + cell - p}M${
          cx + cell - p
        },${cy + p}L${cx + p},${cy + cell - p}" stroke="${WRONG}" stroke-width="2"/>`,
      );
    }
    if (marks.changed?.[i]) {
      out.push(
        `<rect class="changed" x="${cx + 1.5}" y="${cy + 1.5}" width="${cell - 3}" height="${
          cell - 3
        }" fill="none" stroke="${CHANGED}" stroke-width="2.5"/>`,
      );
    }
  }
  if (b.box) {
    for (let r = 0; r <= b.rows; r += b.box.rows) {
      out.push(
        `<line x1="0" y1="${r * cell}" x2="${b.cols * cell}" y2="${
          r * cell
        }" stroke="#000" stroke-width="2"/>`,
      );
    }
    for (let c = 0; c <= b.cols; c += b.box.cols) {
      out.push(
        `<line x1="${c * cell}" y1="0" x2="${c * cell}" y2="${
          b.rows * cell
        }" stroke="#000" stroke-width="2"/>`,
      );
    }
  } else {
    out.push(
      `<rect x="0" y="0" width="${b.cols * cell}" height="${
        b.rows * cell
      }" fill="none" stroke="#000" stroke-width="1.5"/>`,
    );
  }
  out.push("</g>");
  return out.join("\n");
}

function svgDoc(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    "</svg>",
  ].join("\n");
}

/** One board as a standalone SVG, with an optional title above it. */
export function boardSvg(
  b: Board,
  opts: { cell?: number; marks?: BoardMarks; title?: string } = {},
): string {
  const cell = opts.cell ?? 28, pad = 6, top = opts.title ? 22 : pad;
  const body = [boardGroup(b, opts.marks ?? {}, pad, top, cell)];
  if (opts.title) {
    body.push(`<text x="${pad}" y="15" font-size="13">${escapeXml(opts.title)}</text>`);
  }
  return svgDoc(b.cols * cell + 2 * pad, b.rows * cell + top + pad, body);
}

function escapeXml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** One picture of the strip: the answer after a supervision step (or a recursion within one). */
export interface Frame {
  /** "step 3" (or "step 3, cycle 2" for finer traces). */
  label: string;
  cells: ArrayLike<number>;
  /** Halting probability after this frame, shown under the label. */
  haltProb?: number;
}

/** Which (supervision step, recursion) each trace entry is; traceAnswer's `steps`. */
export type TraceSteps = { step: number; recursion: number }[];

/**
 * The frames of one traced puzzle: y decoded after each supervision step, or
 * after each recursion when the trace was taken with `perRecursion`.
 */
export function traceFrames(
  trace: Trace & { steps?: TraceSteps },
  opts: { puzzle?: number; decode?: (tokens: ArrayLike<number>) => ArrayLike<number> } = {},
): Frame[] {
  const b = opts.puzzle ?? 0, decode = opts.decode ?? decodeSudoku;
  const puzzles = trace.haltProb[0]?.length ?? 0;
  if (b < 0 || b >= puzzles) {
    throw new Error(`puzzle ${b} is not in the trace (${puzzles} puzzles)`);
  }
  const perRecursion = (trace.steps?.length ?? 0) > new Set(trace.steps?.map((s) => s.step)).size;
  return trace.predictions.map((p, k) => {
    const s = p.length / puzzles, at = trace.steps?.[k];
    return {
      label: perRecursion && at
        ? `step ${at.step}, rec ${at.recursion}`
        : `step ${at?.step ?? k + 1}`,
      cells: decode(p.subarray(b * s, (b + 1) * s)),
      haltProb: trace.haltProb[k]![b],
    };
  });
}

/**
 * The strip: the question, then each frame (changed cells outlined in
 * orange, wrong cells in red when `answer` is given), then the answer;
 * `perRow` frames per row (default 8). `changed: false` leaves the outlines
 * out, for frames that are not a sequence (K trajectories side by side).
 */
export function answerStrip(
  question: Board,
  frames: Frame[],
  opts: {
    answer?: ArrayLike<number>;
    cell?: number;
    perRow?: number;
    title?: string;
    changed?: boolean;
  } = {},
): string {
  const cell = opts.cell ?? 20, perRow = opts.perRow ?? 8, gap = 14, labelH = 30;
  const w = Math.max(question.cols * cell, 96), h = question.rows * cell;
  const panels: { label: string; sub?: string; board: Board; marks: BoardMarks }[] = [
    { label: "question", board: question, marks: {} },
  ];
  let prev: ArrayLike<number> | undefined;
  for (const f of frames) {
    if (f.cells.length !== question.cells.length) {
      throw new Error(
        `frame "${f.label}" has ${f.cells.length} cells, the question ${question.cells.length}`,
      );
    }
    const changed = prev && opts.changed !== false
      ? Array.from(f.cells, (v, i) => v !== prev![i])
      : undefined;
    const wrong = opts.answer ? Array.from(f.cells, (v, i) => v !== opts.answer![i]) : undefined;
    const sub = f.haltProb === undefined ? undefined : `halt p=${f.haltProb.toFixed(2)}`;
    panels.push({
      label: f.label,
      sub,
      board: { ...question, cells: f.cells },
      marks: { changed, wrong },
    });
    prev = f.cells;
  }
  if (opts.answer) {
    panels.push({ label: "answer", board: { ...question, cells: opts.answer }, marks: {} });
  }
  const top = opts.title ? 26 : 8, cols = Math.min(perRow, panels.length);
  const body: string[] = [];
  if (opts.title) {
    body.push(
      `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  }
  panels.forEach((p, i) => {
    const x = 8 + (i % perRow) * (w + gap), y = top + Math.floor(i / perRow) * (h + labelH + gap);
    body.push(`<text x="${x}" y="${y + 12}" font-size="11">${escapeXml(p.label)}</text>`);
    if (p.sub) {
      body.push(
        `<text x="${x}" y="${y + 24}" font-size="10" fill="#555">${escapeXml(p.sub)}</text>`,
      );
    }
    body.push(boardGroup(p.board, p.marks, x, y + labelH, cell));
  });
  const rows = Math.ceil(panels.length / perRow);
  const legendY = top + rows * (h + labelH + gap) + 4;
  const legend = [
    ...(opts.changed === false
      ? []
      : [`<tspan fill="${CHANGED}">■</tspan> outline: changed since the previous step`]),
    ...(opts.answer ? [`<tspan fill="${WRONG}">■</tspan> red: wrong against the answer`] : []),
  ];
  body.push(`<text x="8" y="${legendY}" font-size="11">${legend.join("   ")}</text>`);
  return svgDoc(Math.max(16 + cols * (w + gap) - gap, 420), legendY + 10, body);
}

/**
 * Boards side by side, each under its label (e.g. an ARC task's
 * demonstration pairs); boards may differ in size.
 */
export function boardRow(
  items: readonly { label: string; board: Board }[],
  opts: { cell?: number; title?: string } = {},
): string {
  const cell = opts.cell ?? 16, gap = 14, labelH = 16, top = opts.title ? 26 : 8;
  const body: string[] = [];
  if (opts.title) {
    body.push(
      `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  }
  let x = 8, height = 0;
  for (const { label, board } of items) {
    body.push(`<text x="${x}" y="${top + 12}" font-size="11">${escapeXml(label)}</text>`);
    body.push(boardGroup(board, {}, x, top + labelH, cell));
    x += Math.max(board.cols * cell, 7 * label.length) + gap;
    height = Math.max(height, board.rows * cell);
  }
  return svgDoc(x - gap + 8, top + labelH + height + 8, body);
}
