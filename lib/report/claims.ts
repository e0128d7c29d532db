/**
 * The README's results table: one row per claim of the paper that a study
 * tests, built from the studies' verdict tables (verdicts.ts) so that the
 * README quotes what `deno task report` rebuilds from the committed records
 * (`results/tables/claims.md`; experiments/report_records_test.ts checks the
 * README against it).
 *
 * @module
 */
import type { Leaf } from "./paper.ts";
import type { ReportTable } from "./tables.ts";

type Row = Record<string, Leaf | null | undefined>;

const num = (v: Leaf | null | undefined) => (typeof v === "number" ? v : NaN);
/** Points with one decimal and a typographic minus ("−16.3"); `sign` adds "+" to the others. */
function points(v: number, sign = false): string {
  const s = Math.abs(v).toFixed(1);
  return v < 0 && s !== "0.0" ? `−${s}` : sign ? `+${s}` : s;
}
const pct = (v: Leaf | null | undefined, sign = false) => points(100 * num(v), sign);
/** "mean ± std", or the mean alone where one seed gives no std. */
const spread = (mean: Leaf | null | undefined, std: Leaf | null | undefined) =>
  Number.isFinite(num(std)) ? `${pct(mean)} ± ${pct(std)}` : pct(mean);
/** "mean [lo, hi]", "mean [no interval]" from one pair, "—" without a mean. */
function interval(d: Row, mean: string, lo: string, hi: string): string {
  if (!Number.isFinite(num(d[mean]))) return "—";
  const ci = Number.isFinite(num(d[lo])) && Number.isFinite(num(d[hi]))
    ? `${pct(d[lo], true)}, ${pct(d[hi], true)}`
    : "no interval";
  return `${pct(d[mean], true)} [${ci}]`;
}

/** One row per variant of every study, against its study's base; paper numbers where the paper has the row. */
export function claimsReadmeTable(verdicts: readonly ReportTable[]): ReportTable {
  const rows: Record<string, string>[] = [];
  const data: Row[] = [];
  for (const t of verdicts) {
    const base = t.data.find((d) => d.isBase);
    if (!base) continue;
    for (const d of t.data) {
      if (d.isBase) continue;
      const paper = num(d.paperExactAcc), paperDiff = num(d.paperDiff);
      const study = String(d.study);
      rows.push({
        claim: String(d.paperVariant || d.variant),
        paper: Number.isFinite(paper) && Number.isFinite(paperDiff)
          ? `${points(paper - paperDiff)} → ${points(paper)} (${points(paperDiff, true)})`
          : "— (kit's extension)",
        kit: `${spread(base.exactMean, base.exactStd)} → ${
          spread(d.exactMean, d.exactStd)
        } (${d.seeds})`,
        diff: interval(d, "diffMean", "diffLo", "diffHi"),
        verdict: String(d.verdict ?? ""),
        best: interval(d, "bestDiffMean", "bestDiffLo", "bestDiffHi"),
        command: `\`deno task sweep ${study}\``,
      });
      data.push({ study, variant: d.variant, verdict: d.verdict, seeds: d.seeds });
    }
  }
  return {
    name: "claims",
    title: "The paper's claims in the kit's regime: each variant against its study's base",
    caption: verdicts[0]?.caption ?? "",
    columns: [
      { key: "claim", label: "claim (paper Table 1-2)", align: "left" },
      { key: "paper", label: "paper: TRM → variant (Δ)", align: "left" },
      { key: "kit", label: "kit: base → variant, exact % (seeds)", align: "left" },
      { key: "diff", label: "kit Δ, paired [95% CI]", align: "left" },
      { key: "verdict", label: "verdict", align: "left" },
      { key: "best", label: "Δ at best eval [95% CI]", align: "left" },
      { key: "command", label: "command", align: "left" },
    ],
    rows,
    data,
  };
}

/** The cells of the markdown table that starts with `header` in `text`, trimmed (alignment padding ignored). */
export function markdownTableCells(text: string, header: string): string[][] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) return [];
  const cells: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("|")) break;
    if (/^\|[\s:|-]+\|$/.test(line)) continue; // the alignment row
    cells.push(line.slice(1, -1).split(" | ").map((c) => c.trim()));
  }
  return cells;
}
