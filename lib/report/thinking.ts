/**
 * Figures and a table for thinking longer at test time (lib/train/think.ts):
 * accuracy against evaluation depth with the trained depth marked, against
 * the number of trajectories K per selection rule, and against compute in
 * net calls per puzzle; and the K final answers of one puzzle as frames of
 * the answer strip.
 *
 * @module
 */
import type { ThinkRecord } from "../train/think.ts";
import { sampleFrames } from "../train/think_point.ts";
import type { ThinkSummary } from "../train/think_summary.ts";
import { base, type Figure } from "./_spec.ts";
import type { Frame } from "./board_strip.ts";
import type { ReportTable } from "./tables.ts";

const pct = (x: number) => +(100 * x).toFixed(2);

/** Exact and cell accuracy of plain evaluation after every supervision step, the trained depth marked. */
export function depthFigure(s: ThinkSummary): Figure {
  const values = s.byStep.flatMap((d) => [
    { step: d.step, metric: "exact", acc: pct(d.exact) },
    { step: d.step, metric: "cell", acc: pct(d.cell) },
  ]);
  const x = {
    field: "step",
    type: "quantitative" as const,
    title: "supervision steps at evaluation",
  };
  return {
    ...base(
      "Accuracy vs evaluation depth",
      `${s.puzzles} held-out puzzles, one trajectory`,
      `dashed: the depth it trained with (N_sup = ${s.trainedDepth})`,
    ),
    width: 400,
    height: 240,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "acc", type: "quantitative", title: "held-out accuracy (%)" },
          color: { field: "metric", type: "nominal", title: "accuracy" },
          tooltip: [{ field: "step" }, { field: "metric" }, { field: "acc" }],
        },
      },
      {
        data: { values: [{ step: s.trainedDepth }] },
        mark: { type: "rule", strokeDash: [4, 3], color: "#555" },
        encoding: { x },
      },
    ],
  } as Figure;
}

/** Exact accuracy against K per selection rule; the verifier and the oracle drawn dashed (not the model's own). */
export function samplesFigure(s: ThinkSummary, opts: { subtitle?: string } = {}): Figure {
  const values = s.bySamples.map((r) => ({
    K: r.samples,
    rule: r.label,
    own: r.rule === "verify" || r.rule === "oracle" ? "no" : "yes",
    exact: pct(r.exact),
  }));
  return {
    ...base(
      "Exact accuracy vs trajectories per puzzle",
      `${s.puzzles} puzzles, ${s.depth} steps each; K = 1 is plain evaluation`,
      "dashed: not the model's own (verifier, upper bound)",
      ...(opts.subtitle ? [opts.subtitle] : []),
    ),
    width: 400,
    height: 240,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "K",
        type: "quantitative",
        title: "trajectories K",
        scale: { type: "log", base: 2 },
        axis: { values: [...new Set(values.map((v) => v.K))], format: "d" },
      },
      y: { field: "exact", type: "quantitative", title: "held-out exact accuracy (%)" },
      color: { field: "rule", type: "nominal", title: "selection rule" },
      strokeDash: {
        field: "own",
        type: "nominal",
        title: "model's own rule",
        scale: { domain: ["yes", "no"], range: [[1, 0], [4, 3]] },
        legend: null, // said in the subtitle: a dash legend draws no dashes in the SVG
      },
      tooltip: [{ field: "rule" }, { field: "K" }, { field: "exact" }],
    },
  } as Figure;
}

/** A summary with the name its points carry in {@link computeFigure}. */
export interface LabelledSummary {
  label: string;
  summary: ThinkSummary;
}

/**
 * Exact accuracy against net calls per puzzle (log scale): plain evaluation
 * at each depth, the halting head at each threshold, and each rule at each
 * K > 1; colour says how the compute is spent, the point shape which run.
 */
export function computeFigure(runs: readonly LabelledSummary[]): Figure {
  const one = "one trajectory";
  const values = runs.flatMap(({ label, summary: s }) => [
    ...s.byStep.map((d) => ({
      how: "deeper",
      run: one,
      calls: d.calls,
      exact: pct(d.exact),
      at: `${d.step} steps`,
    })),
    ...s.halting.map((h) => ({
      how: "halting head",
      run: one,
      calls: +h.calls.toFixed(1),
      exact: pct(h.exact),
      at: `p > ${h.threshold}`,
    })),
    ...s.bySamples.filter((r) => r.samples > 1).map((r) => ({
      how: r.label,
      run: label,
      calls: +r.calls.toFixed(1),
      exact: pct(r.exact),
      at: `K = ${r.samples}`,
    })),
  ]);
  // The one-trajectory curves are the same in every run of one model: keep the first of each point.
  const seen = new Set<string>();
  const unique = values.filter((v) => {
    const key = `${v.how}|${v.run}|${v.at}`;
    return !seen.has(key) && seen.add(key);
  });
  return {
    ...base(
      "Exact accuracy vs compute",
      "net calls per puzzle = K · steps · T(n+1)",
      "oracle and rule check: not the model's own (upper bound, verifier)",
    ),
    width: 440,
    height: 280,
    data: { values: unique },
    mark: { type: "line", point: { filled: true, size: 50 } },
    encoding: {
      x: {
        field: "calls",
        type: "quantitative",
        title: "net calls per puzzle",
        scale: { type: "log" },
      },
      y: { field: "exact", type: "quantitative", title: "held-out exact accuracy (%)" },
      color: { field: "how", type: "nominal", title: "compute spent on" },
      shape: { field: "run", type: "nominal", title: "run" },
      detail: { field: "run", type: "nominal" },
      order: { field: "calls", type: "quantitative" },
      tooltip: [
        { field: "how" },
        { field: "run" },
        { field: "at" },
        { field: "calls" },
        { field: "exact" },
      ],
    },
  } as Figure;
}

/**
 * One table of a summary: plain evaluation at the trained depth and deeper,
 * the halting head at each threshold, and each rule with all K trajectories.
 */
export function thinkingTable(s: ThinkSummary, opts: { title?: string } = {}): ReportTable {
  const rows: {
    what: string;
    K: number;
    steps: number;
    calls: number;
    exact: number;
    cell: number;
  }[] = [];
  const depths = [...new Set([s.trainedDepth, 2 * s.trainedDepth, 4 * s.trainedDepth, s.depth])]
    .filter((d) => d <= s.depth).sort((a, b) => a - b);
  for (const d of depths) {
    const p = s.byStep[d - 1]!;
    const what = d === s.trainedDepth ? "plain, trained depth" : "plain, deeper";
    rows.push({ what, K: 1, steps: d, calls: p.calls, exact: p.exact, cell: p.cell });
  }
  for (const h of s.halting) {
    rows.push({ what: `halting head, p > ${h.threshold}`, K: 1, ...h });
  }
  // With one trajectory every rule is plain evaluation (or, first-halt, the halting head).
  if (s.samples > 1) {
    for (const r of s.rules) {
      rows.push({
        what: r.label,
        K: r.samples,
        steps: r.steps,
        calls: r.calls,
        exact: r.exact,
        cell: r.cell,
      });
    }
  }
  return {
    name: "thinking",
    title: opts.title ?? `Thinking longer: ${s.puzzles} held-out puzzles`,
    caption: `steps: supervision steps per trajectory (mean where the head halts); net calls per ` +
      `puzzle = K · steps · T(n+1) = K · steps · ${s.callsPerStep}; trained with N_sup = ${s.trainedDepth}`,
    columns: [
      { key: "what", label: "evaluation", align: "left" },
      { key: "K", label: "K", align: "right" },
      { key: "steps", label: "steps", align: "right" },
      { key: "calls", label: "net calls/puzzle", align: "right" },
      { key: "exact", label: "exact %", align: "right" },
      { key: "cell", label: "cell %", align: "right" },
    ],
    rows: rows.map((r) => ({
      what: r.what,
      K: String(r.K),
      steps: Number.isInteger(r.steps) ? String(r.steps) : r.steps.toFixed(2),
      calls: r.calls.toFixed(0),
      exact: (100 * r.exact).toFixed(1),
      cell: (100 * r.cell).toFixed(1),
    })),
    data: rows,
  };
}

/** The K final answers of puzzle `p` as strip frames, labelled with q_halt and the rule check. */
export function trajectoryFrames(
  rec: ThinkRecord,
  p: number,
  opts: { decode?: (tokens: ArrayLike<number>) => ArrayLike<number> } = {},
): Frame[] {
  return sampleFrames(rec, p, opts.decode);
}
