/**
 * Sudoku for the TRM experiments (paper section 5.2, Sudoku-Extreme): the
 * puzzle, its box shape, its deduplication key, the token encoding (value + 1,
 * PAD = 0) and a text board. Works for 4x4, 6x6 (2x3 boxes) and 9x9. Solving
 * and checking live in `sudoku_solve.ts`, generating in `sudoku_generate.ts`,
 * the reference augmentation in `sudoku_augment.ts`.
 *
 * @module
 */

/** Side length of the grid; boxes are 2x2, 2 rows x 3 columns, and 3x3. */
export type SudokuSize = 4 | 6 | 9;

/** A puzzle and its solution, row-major; 0 is a blank, 1..size are digits. */
export interface SudokuPuzzle {
  /** Tells a Sudoku from the other task puzzles (mazes, ARC groups). */
  kind: "sudoku";
  size: SudokuSize;
  question: Uint8Array;
  answer: Uint8Array;
}

const BOX_SHAPES: Record<SudokuSize, { rows: number; cols: number }> = {
  4: { rows: 2, cols: 2 },
  6: { rows: 2, cols: 3 },
  9: { rows: 3, cols: 3 },
};

/** Box shape for a grid size: 4 -> 2x2, 6 -> 2 rows x 3 columns, 9 -> 3x3. */
export function boxShape(size: SudokuSize): { rows: number; cols: number } {
  const box = BOX_SHAPES[size];
  if (!box) throw new Error(`Unsupported Sudoku size ${size} (expected 4, 6 or 9)`);
  return { ...box };
}

/** Key for deduplication: the question's digits as a string (0 for blanks). */
export function puzzleKey(p: SudokuPuzzle): string {
  return String.fromCharCode(...Array.from(p.question, (v) => 48 + v));
}

/** Tokens as in the reference: value + 1, so 1 = blank and 2..size+1 = digits; 0 stays free for PAD. */
export function encodeSudoku(grid: Uint8Array): Int32Array {
  return Int32Array.from(grid, (v) => v + 1);
}

/** Inverse of {@link encodeSudoku}; PAD and blank tokens (< 2) decode to 0. */
export function decodeSudoku(tokens: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(tokens, (t) => (t < 2 ? 0 : t - 1));
}

/** Vocabulary size with PAD and blank: size + 2 (9x9 -> 11, as in the reference). */
export function sudokuVocabSize(size: SudokuSize): number {
  return size + 2;
}

/**
 * A plain-text board with box separators and '.' for blanks. Cells set in
 * `highlight` are wrapped in brackets (e.g. the cells a model got wrong).
 */
export function formatSudoku(
  grid: Uint8Array,
  size: SudokuSize,
  opts: { highlight?: Uint8Array } = {},
): string {
  const box = boxShape(size);
  const { highlight } = opts;
  const cell = (i: number): string => {
    const v = grid[i] ?? 0;
    const ch = v === 0 ? "." : String(v);
    if (!highlight) return ch;
    return highlight[i] ? `[${ch}]` : ` ${ch} `;
  };
  const sep = highlight ? "" : " ";
  const lines: string[] = [];
  for (let r = 0; r < size; r++) {
    const parts: string[] = [];
    for (let c0 = 0; c0 < size; c0 += box.cols) {
      const cells = Array.from({ length: box.cols }, (_, k) => cell(r * size + c0 + k));
      parts.push(cells.join(sep));
    }
    const row = parts.join(highlight ? "|" : " | ");
    // The separator mirrors the row, so it lines up whatever the cell width.
    if (r > 0 && r % box.rows === 0) lines.push(row.replace(/[^|]/g, "-").replaceAll("|", "+"));
    lines.push(row);
  }
  return lines.join("\n");
}
