/**
 * Rule checks of a proposed answer that read the question and nothing else:
 * a verifier the model does not have, for choosing among test-time
 * trajectories (lib/train/think_select.ts). A Sudoku answer must fill every
 * cell, repeat no digit in a row, column or box and keep the givens; a maze
 * answer must mark a shortest path (`checkMazePath`). Neither ever sees the
 * solution: the functions have no argument to pass one in.
 *
 * @module
 */
import { checkMazePath } from "./maze_solve.ts";
import { decodeSudoku, type SudokuSize } from "./sudoku.ts";
import { isSolvedGrid } from "./sudoku_solve.ts";

/** Null when `answer` obeys the rules for `question`, else the first problem. */
export type RuleCheck = (question: Uint8Array, answer: Uint8Array) => string | null;

/** The Sudoku rules: a complete grid, no repeats in a row, column or box, every given kept. */
export function checkSudokuAnswer(
  question: Uint8Array,
  answer: Uint8Array,
  size: SudokuSize,
): string | null {
  const n = size * size;
  if (question.length !== n || answer.length !== n) {
    return `expected ${n} cells, got question ${question.length} and answer ${answer.length}`;
  }
  for (let i = 0; i < n; i++) {
    const q = question[i]!;
    if (q !== 0 && answer[i] !== q) return `given ${q} changed to ${answer[i]} at cell ${i + 1}`;
  }
  return isSolvedGrid(answer, size) ? null : "not a complete grid without repeats";
}

/** The grid tasks a rule check exists for, with their size. */
export type CheckedTask = { task: "sudoku"; size: SudokuSize } | { task: "maze"; size: number };

/**
 * A rule check on model tokens (question and answer as the model reads and
 * writes them: Sudoku digit + 1, maze cells as they are).
 */
export function tokenRuleCheck(
  t: CheckedTask,
): (question: ArrayLike<number>, answer: ArrayLike<number>) => string | null {
  switch (t.task) {
    case "sudoku":
      return (q, a) => checkSudokuAnswer(decodeSudoku(q), decodeSudoku(a), t.size);
    case "maze":
      return (q, a) => checkMazePath(Uint8Array.from(q), Uint8Array.from(a), t.size);
  }
}
