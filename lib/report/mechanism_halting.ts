/**
 * Halting, puzzle by puzzle: the halting head's probability after every
 * supervision step, and the step where each row would stop (the first with
 * p > 0.5, as training drops a row from the batch and evaluation counts its
 * steps).
 *
 * @module
 */
import { encodePuzzles } from "../data/mod.ts";
import type { TRM, Weights } from "../model/mod.ts";
import { type Trace, traceAnswer } from "../train/mod.ts";
import { base, type Figure } from "./_spec.ts";

/** One traced puzzle's halting probabilities and where it stops. */
export interface HaltRow {
  puzzle: number;
  /** sigmoid(q_halt) after supervision step k+1. */
  probs: number[];
  /** 1-based step where p first exceeds 0.5; undefined when it never does (runs all N_sup). */
  stop?: number;
  /** Whether the answer at the stop step (or the last) is exactly right, when answers are given. */
  correct?: boolean;
}

/**
 * The rows of a per-supervision-step trace (traceAnswer without
 * `perRecursion`); with `labels` ([B·S] answer tokens) each row says whether
 * it stops on a right answer.
 */
export function haltRows(trace: Trace, labels?: Int32Array): HaltRow[] {
  const puzzles = trace.haltProb[0]?.length ?? 0, steps = trace.haltProb.length;
  return Array.from({ length: puzzles }, (_, b) => {
    const probs = trace.haltProb.map((p) => p[b]!);
    const k = probs.findIndex((p) => p > 0.5);
    const row: HaltRow = { puzzle: b, probs, ...(k === -1 ? {} : { stop: k + 1 }) };
    if (labels) {
      const pred = trace.predictions[(k === -1 ? steps : k + 1) - 1]!;
      const s = pred.length / puzzles;
      row.correct = pred.subarray(b * s, (b + 1) * s).every((t, i) => t === labels[b * s + i]);
    }
    return row;
  });
}

/** Probability per step, a line per puzzle; a large point where a row stops, filled if right. */
export function haltingFigure(
  rows: HaltRow[],
  title = "Halting probability per supervision step",
): Figure {
  const values = rows.flatMap((r) =>
    r.probs.map((p, k) => ({ puzzle: `#${r.puzzle}`, step: k + 1, p, stops: r.stop === k + 1 }))
  );
  const stops = rows.filter((r) => r.stop).map((r) => ({
    puzzle: `#${r.puzzle}`,
    step: r.stop!,
    p: r.probs[r.stop! - 1]!,
    answer: r.correct === undefined ? "?" : r.correct ? "right" : "wrong",
  }));
  const x = { field: "step", type: "ordinal", title: "supervision step", axis: { labelAngle: 0 } };
  const y = {
    field: "p",
    type: "quantitative",
    title: "sigmoid(q_halt)",
    scale: { domain: [0, 1] },
  };
  const never = rows.length - stops.length;
  return {
    ...base(title, `dots: where a row stops (p > 0.5); ${never} of ${rows.length} never stop`),
    width: 360,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: "line", opacity: 0.5 },
        encoding: { x, y, detail: { field: "puzzle" }, color: { value: "#4c78a8" } },
      },
      {
        data: { values: [{ p: 0.5 }] },
        mark: { type: "rule", strokeDash: [4, 3] },
        encoding: { y },
      },
      {
        data: { values: stops },
        mark: { type: "point", size: 60, filled: true },
        encoding: {
          x,
          y,
          color: {
            field: "answer",
            type: "nominal",
            title: "answer at stop",
            scale: { domain: ["right", "wrong", "?"], range: ["#2ca02c", "#d62728", "#888"] },
          },
          tooltip: [{ field: "puzzle" }, { field: "step" }, { field: "p", format: ".2f" }],
        },
      },
    ],
  } as unknown as Figure;
}

/** {@link haltRows} of the first `count` held-out puzzles of a (tiny) model, all N_sup steps run. */
export async function haltingTrace(
  m: { model: TRM; weights: Weights; data: { test: Parameters<typeof encodePuzzles>[0] } },
  count = 16,
): Promise<HaltRow[]> {
  const enc = encodePuzzles(m.data.test.slice(0, count));
  return haltRows(await traceAnswer(m.model, m.weights, enc.inputs), enc.labels);
}
