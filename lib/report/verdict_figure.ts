/**
 * A verdict table as a figure: the paired differences with their intervals,
 * beside the paper's.
 *
 * @module
 */
import { base } from "./_spec.ts";
import type { Figure } from "./plots.ts";
import type { ReportTable } from "./tables.ts";

/**
 * The paired differences of a verdict (or claims) table as a figure: per
 * variant the mean difference to its base (points) with its 95% interval
 * (bars), the paper's difference (diamonds), and zero (the line an interval
 * must not cross for a verdict).
 */
export function verdictFigure(t: ReportTable): Figure {
  const values = t.data
    .filter((d) => !d.isBase && typeof d.diffMean === "number")
    .map((d) => ({
      claim: `${d.study}: ${d.variant}`,
      diff: 100 * (d.diffMean as number),
      lo: typeof d.diffLo === "number" ? 100 * d.diffLo : null,
      hi: typeof d.diffHi === "number" ? 100 * d.diffHi : null,
      paper: typeof d.paperDiff === "number" ? d.paperDiff : null,
      verdict: String(d.verdict),
      seeds: d.seeds,
    }));
  const y = { field: "claim", type: "nominal", title: null, sort: null, axis: { labelLimit: 360 } };
  const x = { type: "quantitative", title: "exact accuracy, variant − base (points)" };
  return {
    ...base(
      t.title.replace(/:.*$/, ": paired differences to the base, with 95% intervals"),
      "point: kit mean over seeds; bar: 95% t interval; diamond: the paper's difference",
    ),
    width: 420,
    height: { step: 26 },
    data: { values },
    layer: [
      { mark: { type: "rule", color: "#888", strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { y, x: { field: "lo", ...x }, x2: { field: "hi" }, color: verdictColor },
      },
      {
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          y,
          x: { field: "diff", ...x },
          color: verdictColor,
          tooltip: [
            { field: "claim" },
            { field: "diff", format: ".1f" },
            { field: "lo", format: ".1f" },
            {
              field: "hi",
              format: ".1f",
            },
            { field: "paper" },
            { field: "verdict" },
            { field: "seeds" },
          ],
        },
      },
      {
        mark: { type: "point", shape: "diamond", size: 80, color: "black", filled: false },
        encoding: { y, x: { field: "paper", ...x } },
      },
    ],
  } as Figure;
}

const verdictColor = {
  field: "verdict",
  type: "nominal",
  title: "verdict",
  scale: {
    domain: ["holds", "reversed", "inconclusive", "no paper claim", "too few seeds"],
    range: ["#1a9850", "#d73027", "#878787", "#4575b4", "#bbbbbb"],
  },
};
