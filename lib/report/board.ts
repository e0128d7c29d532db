/**
 * Puzzles as SVG, for teaching: one board (Sudoku, maze or ARC grid), or
 * boards side by side. The strip of answers over the recursion is in
 * board_strip.ts.
 *
 * @module
 */

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
/** Outline of a changed cell, and colour of a wrong one. */
export const CHANGED = "#ff8c00";
export const WRONG = "#d62728";

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
export function boardGroup(
  b: Board,
  marks: BoardMarks,
  x: number,
  y: number,
  cell: number,
): string {
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

/** A standalone SVG document of the given size around `body`. */
export function svgDoc(width: number, height: number, body: string[]): string {
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

/** Text made safe inside an SVG element. */
export function escapeXml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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
