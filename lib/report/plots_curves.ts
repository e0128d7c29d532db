/**
 * Figures over training: learning curves of any logged metric, and the fit
 * figure (training puzzles beside held-out ones). Vega-Lite v5 specs with
 * the data inline, as in plots.ts.
 *
 * @module
 */
import { bands, base, type Figure } from "./_spec.ts";
import type { CurvePoint } from "./load.ts";

/** Figure title, subtitle and y-axis labels of the metrics logged in metrics.jsonl. */
const METRIC_LABELS: Record<string, string> = {
  exactAcc: "exact accuracy (%)",
  tokenAcc: "cell accuracy (%)",
  exactAtHalt: "exact accuracy at halt (%)",
  loss: "loss",
  lmLoss: "answer loss",
  haltLoss: "halting loss",
  stepsAtHalt: "supervision steps at halt",
  stepsUsed: "supervision steps used",
  tokensPerSec: "tokens/s",
};

function isPercent(metric: string): boolean {
  return /Acc(AtHalt)?$|^exactAtHalt$/.test(metric);
}
/**
 * One metric over training steps, a line per variant (mean over seeds) with
 * a ± std band. `split` "eval" (default) reads held-out evaluations,
 * "train" the training log lines.
 */
export function learningCurves(
  points: CurvePoint[],
  opts: { metric?: string; split?: CurvePoint["split"] } = {},
): Figure {
  const metric = opts.metric ?? "exactAcc", split = opts.split ?? "eval";
  const pts = points.filter((p) => p.metric === metric && p.split === split);
  if (pts.length === 0) {
    const have = [...new Set(points.filter((p) => p.split === split).map((p) => p.metric))];
    throw new Error(
      `no ${split} points of "${metric}"; ${split} metrics: ${have.join(", ") || "none"}`,
    );
  }
  const scale = isPercent(metric) ? 100 : 1;
  const values = bands(pts, (p) => `${p.variant}\u0000${p.step}`, (p) => p.value * scale)
    .map((b) => ({
      variant: b.first.variant,
      step: b.first.step,
      mean: b.mean,
      lo: b.lo,
      hi: b.hi,
      seeds: b.n,
    }));
  const what = `${split === "train" ? "training" : "held-out"} ${METRIC_LABELS[metric] ?? metric}`;
  const bySupervision = split === "supervision";
  const x = bySupervision
    ? { field: "step", type: "ordinal", title: "supervision step", axis: { labelAngle: 0 } }
    : { field: "step", type: "quantitative", title: "training step" };
  // Legend symbols look like the lines, not like the faint bands (both layers must say so).
  const color = {
    field: "variant",
    type: "nominal",
    title: "variant",
    legend: { symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
  return {
    ...base(
      bySupervision
        ? `Deep supervision: ${what.replace(/ \(%\)$/, "")} after each supervision step`
        : `Learning curves: ${what.replace(/ \(%\)$/, "")} by variant`,
      bySupervision
        ? "final model, all N_sup steps run; line: mean over seeds; band: ± std"
        : "line: mean over seeds; band: ± std",
    ),
    width: 440,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative" },
          y2: { field: "hi" },
          color,
        },
      },
      {
        mark: { type: "line", point: values.length <= 60 },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: what, scale: { zero: false } },
          color,
          tooltip: [{ field: "variant" }, { field: "step" }, { field: "mean", format: ".3g" }, {
            field: "seeds",
          }],
        },
      },
    ],
  } as Figure;
}

/**
 * Do variants fit their training puzzles while held-out accuracy levels off?
 * Exact accuracy over training steps on the training puzzles, on held-out
 * puzzles with the evaluation (EMA) weights, and with the raw weights: a line
 * each, mean over seeds with a ± std band; one panel per variant. The
 * regime's pilot figure.
 */
export function fitCurves(
  points: CurvePoint[],
  opts: { variants?: string[]; title?: string } = {},
): Figure {
  const names: Partial<Record<CurvePoint["split"], string>> = {
    trainSet: "training puzzles",
    eval: "held-out (EMA weights)",
    evalRaw: "held-out (raw weights)",
  };
  const variants = opts.variants ?? [...new Set(points.map((p) => p.variant))];
  const pts = points
    .filter((p) => p.metric === "exactAcc" && variants.includes(p.variant) && names[p.split])
    .map((p) => ({ ...p, variant: `${p.variant}\u0001${names[p.split]}`, split: "eval" as const }));
  const fig = learningCurves(pts, { metric: "exactAcc", split: "eval" }) as unknown as {
    data: { values: { variant: string }[] };
    layer: unknown[];
    width: number;
    height: number;
  };
  const values = fig.data.values.map((v) => {
    const [panel, line] = v.variant.split("\u0001");
    return { ...v, panel, variant: line };
  });
  const head = base(
    opts.title ?? `Fit and generalisation: exact accuracy on training and held-out puzzles`,
    "intermediate evaluations on a held-out subset, the last on all held-out puzzles; " +
      "line: mean over seeds; band: ± std",
  );
  // Relabel: the lines are puzzle sets, not variants, and not all of them are held out.
  const layer = (fig.layer as { encoding: Record<string, Record<string, unknown>> }[]).map((l) => ({
    ...l,
    encoding: {
      ...l.encoding,
      color: { ...l.encoding.color, title: "scored on" },
      ...(l.encoding.y?.title ? { y: { ...l.encoding.y, title: "exact accuracy (%)" } } : {}),
    },
  }));
  const view = { width: 360, height: 220, layer };
  return (variants.length > 1
    ? {
      ...head,
      data: { values },
      facet: { field: "panel", type: "nominal", title: null, sort: variants },
      columns: 2,
      spec: view,
    }
    : { ...head, data: { values }, ...view }) as Figure;
}

/** Exact accuracy after each supervision step of one evaluation (`EvalMetrics.exactByStep`). */
export function supervisionCurve(
  exactByStep: readonly number[],
  title = "Held-out exact accuracy after each supervision step",
): Figure {
  const values = exactByStep.map((acc, i) => ({ step: i + 1, exact: 100 * acc }));
  return {
    ...base(title, "all N_sup steps run; (y, z) carried from each step to the next"),
    width: 320,
    height: 200,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "step", type: "ordinal", title: "supervision step", axis: { labelAngle: 0 } },
      y: {
        field: "exact",
        type: "quantitative",
        title: "exact accuracy (%)",
        scale: { domain: [0, 100] },
      },
      tooltip: [{ field: "step" }, { field: "exact", format: ".1f" }],
    },
  } as Figure;
}
