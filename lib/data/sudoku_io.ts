/**
 * Reading Sudoku puzzles from text files. Three layouts are accepted, one
 * puzzle per line (paper section 5.2 uses the third):
 *
 * 1. a question alone, 16, 36 or 81 characters, digits with `0` or `.` for
 *    blanks; the answer is found with the solver and must be unique;
 * 2. `question,answer`;
 * 3. a CSV with a header naming the columns, such as Sudoku-Extreme's
 *    `source,question,answer,rating`.
 *
 * Blank lines and the header are skipped. A bad row does not stop the load:
 * it is reported with its 1-based line number, so a large file with a few
 * broken rows stays usable and the broken rows can be found.
 *
 * @module
 */
import type { SudokuPuzzle, SudokuSize } from "./sudoku.ts";
import { checkPuzzle, solveSudoku } from "./sudoku_solve.ts";

/** A problem in a data file, with its place as `<file>:<line>: <problem>`. */
export class DataFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
    readonly moreBadRows = 0,
  ) {
    const more = moreBadRows > 0 ? ` (and ${moreBadRows} more bad rows)` : "";
    super(`${file}:${line}: ${problem}${more}`);
    this.name = "DataFormatError";
  }
}

/** Options for the loaders. */
export interface SudokuLoadOptions {
  /** Stop after this many puzzles have been loaded. */
  limit?: number;
  /** Also reject rows whose question has several solutions (rows with no answer always need one). */
  requireUnique?: boolean;
}

/** What a load found: the good puzzles, and each bad row with the reason. */
export interface SudokuLoadResult {
  puzzles: SudokuPuzzle[];
  rejected: { line: number; reason: string }[];
}

/** Header names accepted for each column (Sudoku-Extreme's, then common alternatives). */
const QUESTION_NAMES = ["question", "puzzle", "quizzes", "quiz"];
const ANSWER_NAMES = ["answer", "solution", "solutions"];
const SIZE_OF_LENGTH = new Map<number, SudokuSize>([[16, 4], [36, 6], [81, 9]]);

/** A bad row; its message becomes the reason in `rejected`. */
class BadRow extends Error {}

/** One comma-separated field and the 1-based column where its text starts. */
interface Field {
  text: string;
  col: number;
}

/** Splits a CSV line (no quoted commas in these files), trimming blanks and quotes. */
function splitFields(line: string): Field[] {
  const fields: Field[] = [];
  let start = 0;
  for (const raw of line.split(",")) {
    const lead = raw.length - raw.trimStart().length;
    let text = raw.trim(), col = start + lead + 1;
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
      text = text.slice(1, -1), col++;
    }
    fields.push({ text, col });
    start += raw.length + 1;
  }
  return fields;
}

/** Parses a grid field; `expected` is the answer's required length. */
function parseGrid(field: Field, what: "question" | "answer", expected?: number): Uint8Array {
  const { text, col } = field;
  const size = SIZE_OF_LENGTH.get(text.length);
  if (expected !== undefined && text.length !== expected) {
    throw new BadRow(`${what} has wrong length ${text.length} (expected ${expected})`);
  }
  if (size === undefined) {
    const prefix = what === "question" ? "" : `${what} has `;
    throw new BadRow(`${prefix}wrong length ${text.length} (expected 16, 36 or 81)`);
  }
  const grid = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const v = ch === "." ? 0 : ch.charCodeAt(0) - 48;
    if (!(v >= 0 && v <= size)) {
      const where = `column ${col + i}`;
      throw new BadRow(
        `bad character '${ch}' at ${where} (a ${size}x${size} grid uses 1-${size}, and 0 or . for blanks)`,
      );
    }
    grid[i] = v;
  }
  return grid;
}

/** Column positions of question and answer; answer -1 when the file has none. */
interface Columns {
  question: number;
  answer: number;
  count: number;
}

/** Reads the header row, or throws a DataFormatError when it names no question column. */
function parseHeader(line: string, file: string, lineNo: number): Columns {
  const names = splitFields(line).map((f) => f.text.toLowerCase());
  const question = names.findIndex((n) => QUESTION_NAMES.includes(n));
  if (question < 0) {
    throw new DataFormatError(
      file,
      lineNo,
      `header has no question column (expected one of ${QUESTION_NAMES.join(", ")})`,
    );
  }
  const answer = names.findIndex((n) => ANSWER_NAMES.includes(n));
  return { question, answer, count: names.length };
}

/**
 * Turns lines into puzzles one at a time, so a file can be streamed and the
 * same rules apply to text in memory and on disk.
 */
class SudokuLineParser {
  readonly result: SudokuLoadResult = { puzzles: [], rejected: [] };
  #columns?: Columns;
  #sawData = false;
  #fileSize?: { size: SudokuSize; line: number };

  constructor(readonly file: string, readonly opts: SudokuLoadOptions) {}

  /** Feeds line number `lineNo`; returns false once `limit` puzzles are loaded. */
  push(line: string, lineNo: number): boolean {
    // Only the end is trimmed (CRLF, trailing spaces), so columns in messages match the file.
    const text = line.trimEnd();
    if (text.trim() === "") return true;
    if (!this.#sawData) {
      this.#sawData = true;
      // A header is the first non-blank line when it has letters; grids never do.
      if (/[a-z]/i.test(text)) {
        this.#columns = parseHeader(text, this.file, lineNo);
        return true;
      }
    }
    try {
      this.result.puzzles.push(this.#parseRow(text, lineNo));
    } catch (e) {
      if (!(e instanceof BadRow)) throw e;
      this.result.rejected.push({ line: lineNo, reason: e.message });
    }
    const { limit } = this.opts;
    return limit === undefined || this.result.puzzles.length < limit;
  }

  /** One data row to a checked puzzle; throws BadRow for a bad row. */
  #parseRow(text: string, lineNo: number): SudokuPuzzle {
    const [questionField, answerField] = this.#pickFields(splitFields(text));
    const question = parseGrid(questionField, "question");
    const size = SIZE_OF_LENGTH.get(question.length)!;
    const answer = answerField?.text
      ? parseGrid(answerField, "answer", question.length)
      : solveUnique(question, size);
    const puzzle: SudokuPuzzle = { kind: "sudoku", size, question, answer };
    const problem = checkPuzzle(puzzle, { requireUnique: this.opts.requireUnique });
    if (problem) throw new BadRow(problem);
    this.#checkSize(size, lineNo);
    return puzzle;
  }

  /** The question field and the answer field, if any, by header or by position. */
  #pickFields(fields: Field[]): [Field, Field | undefined] {
    const cols = this.#columns;
    if (!cols) {
      if (fields.length > 2) {
        throw new BadRow(`expected question or question,answer, got ${fields.length} fields`);
      }
      return [fields[0]!, fields[1]];
    }
    if (fields.length !== cols.count) {
      throw new BadRow(`expected ${cols.count} fields as in the header, got ${fields.length}`);
    }
    return [fields[cols.question]!, cols.answer >= 0 ? fields[cols.answer] : undefined];
  }

  /** One file holds one size, so a model's sequence length is fixed by the file. */
  #checkSize(size: SudokuSize, lineNo: number): void {
    const first = this.#fileSize;
    if (!first) this.#fileSize = { size, line: lineNo };
    else if (first.size !== size) {
      throw new BadRow(
        `size ${size}x${size} differs from the ${first.size}x${first.size} of line ${first.line}`,
      );
    }
  }
}

/** The answer to a question given alone; it must exist and be unique to be trusted. */
function solveUnique(question: Uint8Array, size: SudokuSize): Uint8Array {
  const { count, solution } = solveSudoku(question, size, { limit: 2 });
  if (count === 0) throw new BadRow("puzzle has no solution");
  if (count > 1) throw new BadRow("puzzle has multiple solutions (and no answer is given)");
  return solution!;
}

/** Puzzles as a `question,answer` CSV with a header and '.' for blanks, the layout the loaders read back. */
export function formatSudokuCsv(puzzles: readonly SudokuPuzzle[]): string {
  const digits = (g: Uint8Array) => Array.from(g, (v) => (v === 0 ? "." : String(v))).join("");
  const rows = puzzles.map((p) => `${digits(p.question)},${digits(p.answer)}\n`);
  return "question,answer\n" + rows.join("");
}

/** Parses Sudoku text already in memory; `file` names it in messages. */
export function parseSudokuText(
  text: string,
  file: string,
  opts: SudokuLoadOptions = {},
): SudokuLoadResult {
  const parser = new SudokuLineParser(file, opts);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!parser.push(lines[i]!, i + 1)) break;
  }
  return parser.result;
}

/** Lines of a file, streamed so that `limit` need not read a large file whole. */
async function* readLines(file: Deno.FsFile): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of file.readable.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/** Opens a file, with a message naming the path when it is missing or unreadable. */
async function openFile(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`Sudoku file not found: ${path}`, { cause: e });
    }
    throw new Error(`Cannot read Sudoku file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Loads puzzles from a file, keeping the good rows and listing the bad ones. */
export async function loadSudokuFile(
  path: string,
  opts: SudokuLoadOptions = {},
): Promise<SudokuLoadResult> {
  const parser = new SudokuLineParser(path, opts);
  let lineNo = 0;
  for await (const line of readLines(await openFile(path))) {
    if (!parser.push(line, ++lineNo)) break;
  }
  return parser.result;
}

/**
 * Loads puzzles and fails on the first bad row with a {@link DataFormatError}
 * (`<file>:<line>: <problem>`), counting the bad rows after it.
 */
export async function loadSudokuFileStrict(
  path: string,
  opts: SudokuLoadOptions = {},
): Promise<SudokuPuzzle[]> {
  const { puzzles, rejected } = await loadSudokuFile(path, opts);
  const first = rejected[0];
  if (first) throw new DataFormatError(path, first.line, first.reason, rejected.length - 1);
  return puzzles;
}

/** Parses one puzzle string; throws naming the problem. */
export function parsePuzzle(text: string): Uint8Array {
  const cells = text.replace(/[\s|+-]/g, "");
  if (![16, 36, 81].includes(cells.length)) {
    throw new Error(`a puzzle has 16, 36 or 81 cells; got ${cells.length}`);
  }
  const size = Math.round(Math.sqrt(cells.length));
  return Uint8Array.from(cells, (ch, i) => {
    if (ch === "." || ch === "0") return 0;
    const v = Number(ch);
    if (!Number.isInteger(v) || v < 1 || v > size) {
      throw new Error(`cell ${i + 1}: '${ch}' is not a digit 1-${size} or a blank`);
    }
    return v;
  });
}
