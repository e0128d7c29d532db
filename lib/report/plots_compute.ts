/**
 * Figures about compute: how many supervision steps the halting head spends
 * (paper §4.6, ACT) and training throughput per tfjs backend.
 *
 * @module
 */
import type pl from "nodejs-polars";
import type { Trace } from "../train/trace.ts";
import { bands, base, type Figure, type Row } from "./_spec.ts";
import { doneRuns, variantLabel, variedKeys } from "./load.ts";
import { summarize } from "./tables.ts";

/** How many puzzles (or runs) of a variant halted after `steps` supervision steps. */
export interface HaltCount {
  variant: string;
  steps: number;
  count: number;
}

/**
 * Halting steps of each traced puzzle: the first supervision step whose
 * halting probability exceeds 0.5, else the last one (as evaluation counts).
 * A per-recursion trace is read at the end of each supervision step only.
 */
export function haltCountsFromTrace(
  trace: Pick<Trace, "haltProb"> & { steps?: { step: number; recursion: number }[] },
  variant = "traced",
): HaltCount[] {
  const last = Math.max(0, ...(trace.steps ?? []).map((s) => s.recursion));
  const probs = trace.steps
    ? trace.haltProb.filter((_, i) => trace.steps![i]!.recursion === last)
    : trace.haltProb;
  const nSup = probs.length, puzzles = probs[0]?.length ?? 0;
  const counts = new Array<number>(nSup + 1).fill(0);
  for (let b = 0; b < puzzles; b++) {
    const k = probs.findIndex((p) => p[b]! > 0.5);
    counts[k === -1 ? nSup : k + 1]! += 1;
  }
  return counts.flatMap((count, steps) => (count ? [{ variant, steps, count }] : []));
}

/**
 * From a runs table alone: each run's mean supervision steps used (rounded)
 * as one count, by variant. Per-puzzle steps need a trace or per-step counts.
 */
export function haltCountsFromRuns(runs: pl.DataFrame): HaltCount[] {
  const keys = variedKeys(runs);
  const rows = doneRuns(runs).toRecords() as Row[];
  return bands(
    rows,
    (r) => `${variantLabel(r, keys)}\u0000${Math.round(Number(r.stepsUsed))}`,
    () => 1,
  )
    .map((b) => ({
      variant: variantLabel(b.first, keys),
      steps: Math.round(Number(b.first.stepsUsed)),
      count: b.n,
    }));
}

/**
 * Histogram of halting steps, bars side by side per variant, as a share of
 * that variant's puzzles (or runs) so variants of different sizes compare.
 */
export function haltingHistogram(
  counts: HaltCount[],
  opts: { unit?: "puzzles" | "runs"; maxSteps?: number } = {},
): Figure {
  const unit = opts.unit ?? "puzzles";
  const total = new Map<string, number>();
  for (const c of counts) total.set(c.variant, (total.get(c.variant) ?? 0) + c.count);
  const values = counts.map((c) => ({ ...c, share: (100 * c.count) / total.get(c.variant)! }));
  const maxSteps = opts.maxSteps ?? Math.max(1, ...counts.map((c) => c.steps));
  const variants = total.size > 1;
  return {
    ...base(
      `Halting: supervision steps used, ${variants ? "by variant" : "distribution"}`,
      unit === "runs"
        ? "each run's mean steps used, rounded"
        : "first step with halting probability > 0.5, else the last",
    ),
    width: { step: variants ? 12 * total.size : 28 },
    height: 240,
    data: { values },
    mark: "bar",
    encoding: {
      x: {
        field: "steps",
        type: "ordinal",
        title: "supervision steps used",
        scale: { domain: Array.from({ length: maxSteps }, (_, i) => i + 1) },
        axis: { labelAngle: 0 },
      },
      y: { field: "share", type: "quantitative", title: `share of ${unit} (%)` },
      color: { field: "variant", type: "nominal", title: "variant" },
      ...(variants ? { xOffset: { field: "variant", type: "nominal" } } : {}),
      tooltip: [{ field: "variant" }, { field: "steps" }, { field: "count" }, {
        field: "share",
        format: ".1f",
      }],
    },
  } as Figure;
}

/**
 * Training throughput (tokens/s) per backend, mean ± std over runs, bars side
 * by side for each value of the study's other varied keys.
 */
export function throughputByBackend(runs: pl.DataFrame): Figure {
  for (const c of ["backend", "tokensPerSec"]) {
    if (!runs.columns.includes(c)) throw new Error(`throughputByBackend needs a "${c}" column`);
  }
  const others = variedKeys(runs).filter((k) => k !== "backend");
  const values =
    (summarize(doneRuns(runs), { by: ["backend", ...others], metrics: ["tokensPerSec"] })
      .toRecords() as Row[]).map((g) => {
        const mean = Number(g.tokensPerSecMean), std = Number(g.tokensPerSecStd ?? 0);
        return {
          backend: g.backend,
          variant: variantLabel(g, others),
          mean,
          lo: mean - std,
          hi: mean + std,
          runs: g.seeds,
        };
      });
  const variants = new Set(values.map((v) => v.variant)).size > 1;
  const x = { field: "backend", type: "nominal", title: "backend", axis: { labelAngle: 0 } };
  const offset = variants ? { xOffset: { field: "variant", type: "nominal" } } : {};
  const color = {
    field: variants ? "variant" : "backend",
    type: "nominal",
    title: variants ? others.join(", ") : "backend",
  };
  return {
    ...base(
      "Training throughput by backend",
      "tokens per second, mean ± std over runs; higher is faster",
    ),
    width: { step: variants ? 40 * new Set(values.map((v) => v.variant)).size : 70 },
    height: 240,
    data: { values },
    layer: [
      {
        mark: "bar",
        encoding: {
          x,
          ...offset,
          y: { field: "mean", type: "quantitative", title: "tokens/s" },
          color,
          tooltip: [{ field: "backend" }, { field: "variant" }, { field: "mean", format: ",.0f" }, {
            field: "runs",
          }],
        },
      },
      {
        mark: "rule",
        encoding: { x, ...offset, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  } as Figure;
}
