/**
 * The kit's figures as pure functions returning Vega-Lite specs with the data
 * inline. Specs use the v5 schema and only v5 features, because JupyterLab
 * renders Vega-Lite up to v5; vega-lite 6 compiles them for the files.
 * This file: accuracy against depth and over the (n, T) grid; curves over
 * training are in plots_curves.ts.
 *
 * @module
 */
import type pl from "nodejs-polars";
import { base, type Figure, type Row } from "./_spec.ts";
import { doneRuns, variantLabel, variedKeys } from "./load.ts";
import { PAPER_TABLE3 } from "./paper.ts";
import { summarize } from "./tables.ts";

export { type Figure, FONT } from "./_spec.ts";

const KIT = "this kit", PAPER = "paper (9x9)";

/**
 * Exact accuracy against effective depth T·(n+1)·layers: one point per
 * configuration with a ± std bar over seeds, coloured by model and layers;
 * with `paper` (default), the paper's Table 3 dashed beside them.
 */
export function accuracyVsDepth(runs: pl.DataFrame, opts: { paper?: boolean } = {}): Figure {
  if (!runs.columns.includes("depth")) {
    throw new Error("accuracyVsDepth needs layers, latentSteps and recursions columns");
  }
  const arch = runs.columns.includes("arch") ? ["arch"] : [];
  const keys = [...new Set([...variedKeys(runs), "layers", "latentSteps", "recursions", ...arch])];
  const kit = (summarize(doneRuns(runs), { by: keys, metrics: ["exactAcc"] }).toRecords() as Row[])
    .map((g) => ({
      source: KIT,
      series: [
        g.arch ? String(g.arch).toUpperCase() : "",
        `${g.layers} layer${Number(g.layers) === 1 ? "" : "s"}`,
      ]
        .filter(Boolean).join(", "),
      config: variantLabel(g, keys.filter((k) => k !== "arch")),
      depth: Number(g.depth),
      acc: Number(g.exactAccMean) * 100,
      lo: (Number(g.exactAccMean) - Number(g.exactAccStd ?? 0)) * 100,
      hi: (Number(g.exactAccMean) + Number(g.exactAccStd ?? 0)) * 100,
    }));
  const paper = (opts.paper ?? true)
    ? PAPER_TABLE3.flatMap((r) => [
      {
        source: PAPER,
        series: "HRM, 4 layers",
        config: `n=${r.k}, T=${r.T}`,
        depth: r.hrmDepth,
        acc: r.hrmAcc,
      },
      ...(r.trmAcc === undefined ? [] : [
        {
          source: PAPER,
          series: "TRM, 2 layers",
          config: `n=${2 * r.k}, T=${r.T}`,
          depth: r.trmDepth,
          acc: r.trmAcc,
        },
      ]),
    ]).sort((a, b) => a.depth - b.depth)
    : [];
  const x = {
    field: "depth",
    type: "quantitative" as const,
    title: "effective depth T·(n+1)·layers",
  };
  const y = {
    type: "quantitative" as const,
    title: "held-out exact accuracy (%)",
    scale: { domain: [0, 100] },
  };
  const color = {
    field: "series",
    type: "nominal" as const,
    title: "model",
    legend: { symbolOpacity: 1 },
  };
  const shape = {
    field: "source",
    type: "nominal" as const,
    title: "source",
    scale: { domain: [KIT, PAPER], range: ["circle", "diamond"] },
  };
  const tooltip = [
    { field: "source" },
    { field: "series" },
    { field: "config" },
    { field: "acc", format: ".1f" },
  ];
  return {
    ...base(
      "Exact accuracy vs effective depth",
      "circles: this kit, mean ± std over seeds",
      ...(paper.length
        ? ["dashed diamonds: paper Table 3 (9x9 Sudoku-Extreme, a harder task)"]
        : []),
    ),
    width: 440,
    height: 280,
    layer: [
      ...(paper.length
        ? [{
          data: { values: paper },
          layer: [
            {
              mark: { type: "line", strokeDash: [4, 3], opacity: 0.6 },
              encoding: { x, y: { ...y, field: "acc" }, color },
            },
            {
              mark: { type: "point", filled: true, size: 50, opacity: 0.6 },
              encoding: { x, y: { ...y, field: "acc" }, color, shape, tooltip },
            },
          ],
        }]
        : []),
      {
        data: { values: kit },
        layer: [
          { mark: "rule", encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color } },
          {
            mark: { type: "point", filled: true, size: 70 },
            encoding: { x, y: { ...y, field: "acc" }, color, shape, tooltip },
          },
        ],
      },
    ],
  } as Figure;
}

/**
 * Exact accuracy over the grid of n (latent steps) and T (recursions): one
 * cell per pair, mean over seeds written in it; one panel per value of any
 * other varied key.
 */
export function accuracyHeatmap(runs: pl.DataFrame): Figure {
  const others = variedKeys(runs).filter((k) => k !== "latentSteps" && k !== "recursions");
  const by = [...others, "latentSteps", "recursions"];
  const cells = (summarize(doneRuns(runs), { by, metrics: ["exactAcc"] }).toRecords() as Row[])
    .map((g) => ({
      panel: variantLabel(g, others),
      n: g.latentSteps,
      T: g.recursions,
      acc: Number(g.exactAccMean) * 100,
      std: g.exactAccStd === null ? "" : `± ${(Number(g.exactAccStd) * 100).toFixed(1)}`,
      seeds: g.seeds,
    }));
  const layer = [
    {
      mark: "rect",
      encoding: {
        color: {
          field: "acc",
          type: "quantitative",
          title: "exact acc. (%)",
          scale: { domain: [0, 100], scheme: "viridis" },
        },
        tooltip: [
          { field: "n" },
          { field: "T" },
          { field: "acc", format: ".1f" },
          { field: "std" },
          { field: "seeds" },
        ],
      },
    },
    {
      mark: { type: "text", fontSize: 12, dy: -6 },
      encoding: { text: { field: "acc", format: ".1f" }, color: textColor },
    },
    {
      mark: { type: "text", fontSize: 9, dy: 8 },
      encoding: { text: { field: "std" }, color: textColor },
    },
  ];
  const encoding = {
    x: { field: "T", type: "ordinal", title: "recursions T", axis: { labelAngle: 0 } },
    y: { field: "n", type: "ordinal", title: "latent steps n", sort: "descending" },
  };
  const title = base(
    "Exact accuracy over latent steps n and recursions T",
    "held-out exact accuracy (%), mean (± std) over seeds",
  );
  const view = { width: { step: 56 }, height: { step: 40 }, encoding, layer };
  return (others.length
    ? {
      ...title,
      data: { values: cells },
      facet: { field: "panel", type: "nominal", title: null },
      spec: view,
    }
    : { ...title, data: { values: cells }, ...view }) as Figure;
}

/** Dark text on the light end of viridis, white on the dark end. */
const textColor = { condition: { test: "datum.acc > 60", value: "black" }, value: "white" };
