/**
 * The strip of the answer y decoded after every supervision step (paper §4,
 * deep supervision), or every recursion, with the cells that changed since
 * the previous frame outlined and the cells wrong against the solution in red.
 *
 * @module
 */
import { decodeSudoku } from "../data/sudoku.ts";
import type { Trace } from "../train/trace.ts";
import {
  type Board,
  boardGroup,
  type BoardMarks,
  CHANGED,
  escapeXml,
  svgDoc,
  WRONG,
} from "./board.ts";

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
