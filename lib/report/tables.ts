/**
 * Paper-style tables from a study's runs: mean ± std over seeds per group of
 * the varied keys, with the paper's number beside the kit's where a group
 * reproduces a row of the paper's Tables 1-3. Formatting to Markdown, HTML
 * and LaTeX is in table_format.ts.
 *
 * @module
 */
import pl from "nodejs-polars";
import { doneRuns, SYMBOLS, variedKeys } from "./load.ts";
import {
  type Leaf,
  matchPaperRow,
  PAPER_SOURCE,
  PAPER_TABLE1,
  PAPER_TABLE2,
  PAPER_TABLE3,
} from "./paper.ts";

/** A record from a polars frame or a table row. */
type Rec = Record<string, Leaf | null | undefined>;

/** A column of a report table. */
export interface Column {
  key: string;
  label: string;
  align: "left" | "right";
}

/** A table ready to render: formatted cells plus the numbers behind them. */
export interface ReportTable {
  /** File stem under results/tables/. */
  name: string;
  /** Says what is compared. */
  title: string;
  /** Units, what ± means, where paper numbers come from, failed runs. */
  caption: string;
  columns: Column[];
  /** Formatted cells by column key. */
  rows: Record<string, string>[];
  /** Unformatted values (means, stds, counts), for CSV. */
  data: Record<string, Leaf | null | undefined>[];
}

/** Metrics summarised when present, with how they are shown. */
const METRICS = [
  { key: "exactAcc", label: "exact acc. %", scale: 100, digits: 1 },
  { key: "tokenAcc", label: "cell acc. %", scale: 100, digits: 1 },
  { key: "stepsUsed", label: "steps used", scale: 1, digits: 1 },
] as const;

/**
 * Mean, std and seed count of `metrics` per group of `by`, sorted by `by`.
 * Columns: the `by` keys, `<metric>Mean`, `<metric>Std` (null for one seed),
 * `seeds`, and the first `params` / `depth` of the group when present.
 */
export function summarize(
  runs: pl.DataFrame,
  opts: { by: string[]; metrics: string[] },
): pl.DataFrame {
  const extra = ["params", "depth"].filter((c) => runs.columns.includes(c));
  const aggs = [
    ...opts.metrics.flatMap((m) => [
      pl.col(m).mean().alias(`${m}Mean`),
      pl.col(m).std().alias(`${m}Std`),
    ]),
    ...extra.map((c) => pl.col(c).first().alias(c)),
    pl.col("seed").count().alias("seeds"),
  ];
  if (opts.by.length === 0) return runs.select(...aggs);
  return runs.groupBy(opts.by).agg(...aggs).sort(opts.by);
}

/** "87.4 ± 1.2" (no ± for a single seed). */
export function meanStd(mean: unknown, std: unknown, scale = 1, digits = 1): string {
  if (typeof mean !== "number") return "–";
  const m = (mean * scale).toFixed(digits);
  return typeof std === "number" ? `${m} ± ${(std * scale).toFixed(digits)}` : m;
}

/** Varied keys as columns: numbers right-aligned, choices left. */
function keyColumns(keys: string[], first: Rec | undefined): Column[] {
  return keys.map((k) => ({
    key: k,
    label: SYMBOLS[k] ?? k,
    align: typeof first?.[k] === "number" ? "right" as const : "left" as const,
  }));
}

function failedNote(runs: pl.DataFrame): string {
  const failed = runs.height - doneRuns(runs).height;
  return failed ? ` ${failed} failed run(s) are left out.` : "";
}

/**
 * One row per group of the study's varied keys (Tables 1-2 layout): the
 * values, exact and cell accuracy and steps used (mean ± std over seeds),
 * depth, parameters, seeds, and the paper row the group reproduces, if any.
 */
export function studyTable(runs: pl.DataFrame, opts: { study?: string } = {}): ReportTable {
  const keys = variedKeys(runs);
  const metrics = METRICS.filter((m) => runs.columns.includes(m.key));
  const done = doneRuns(runs);
  if (done.height === 0) throw new Error(`study "${opts.study ?? "?"}" has no finished runs`);
  const groups = summarize(done, { by: keys, metrics: metrics.map((m) => m.key) })
    .toRecords() as Rec[];
  const data = groups.map((g): Rec => {
    const paper = matchPaperRow(PAPER_TABLE1, keys, g) ?? matchPaperRow(PAPER_TABLE2, keys, g);
    return { ...g, paperVariant: paper?.label ?? null, paperExactAcc: paper?.exactAcc ?? null };
  });
  const hasPaper = data.some((d) => d.paperExactAcc !== null);
  const right = (key: string, label: string): Column => ({ key, label, align: "right" });
  const columns: Column[] = [
    ...keyColumns(keys, groups[0]),
    ...metrics.map((m) => right(m.key, m.label)),
    ...["depth", "params"].filter((c) => groups[0] && c in groups[0]).map((c) => right(c, c)),
    right("seeds", "seeds"),
    ...(hasPaper
      ? [
        { key: "paperVariant", label: "paper variant", align: "left" as const },
        right("paper", "paper exact %"),
      ]
      : []),
  ];
  const rows = data.map((d) => ({
    ...Object.fromEntries(keys.map((k) => [k, String(d[k])])),
    ...Object.fromEntries(
      metrics.map((m) => [m.key, meanStd(d[`${m.key}Mean`], d[`${m.key}Std`], m.scale, m.digits)]),
    ),
    depth: String(d.depth ?? "–"),
    params: typeof d.params === "number" ? formatCount(d.params) : "–",
    seeds: String(d.seeds),
    paperVariant: String(d.paperVariant ?? "–"),
    paper: fixed(d.paperExactAcc),
  }));
  const study = opts.study ?? String(runs.getColumn("study").get(0));
  return {
    name: study,
    title: `${study}: held-out accuracy by ${keys.map((k) => SYMBOLS[k] ?? k).join(", ") || "run"}`,
    caption: "Mean ± std over seeds on the study's held-out puzzles; depth = T·(n+1)·layers." +
      (hasPaper
        ? ` Paper: the row of its Tables 1-2 that changes the same keys the same way; ${PAPER_SOURCE}.`
        : "") +
      failedNote(runs),
    columns,
    rows,
    data,
  };
}

/** A number with one decimal, a string as is, else "–". */
function fixed(v: unknown): string {
  return typeof v === "number" ? v.toFixed(1) : typeof v === "string" ? v : "–";
}

/** 5.2M, 640k, 812. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return String(n);
}

/**
 * Table 3 layout: HRM (n=k) beside TRM (n=2k) per (k, T), each with its depth
 * and exact accuracy, plus the paper's two numbers. Needs runs of both archs.
 */
export function depthMatchedTable(runs: pl.DataFrame, opts: { study?: string } = {}): ReportTable {
  for (const c of ["arch", "latentSteps", "recursions", "depth"]) {
    if (!runs.columns.includes(c)) throw new Error(`depthMatchedTable needs a "${c}" column`);
  }
  const withK = doneRuns(runs).withColumns(
    pl.when(pl.col("arch").eq(pl.lit("hrm"))).then(pl.col("latentSteps"))
      .otherwise(pl.col("latentSteps").div(2)).alias("k"),
  );
  const groups = summarize(withK, { by: ["k", "recursions", "arch"], metrics: ["exactAcc"] })
    .toRecords() as Rec[];
  const cells = new Map<string, Rec>();
  for (const g of groups) {
    const id = `${g.k},${g.recursions}`;
    const prefix = g.arch === "hrm" ? "hrm" : "trm";
    cells.set(id, {
      ...(cells.get(id) ?? { k: g.k, T: g.recursions }),
      [`${prefix}Depth`]: g.depth ?? null,
      [`${prefix}Acc`]: g.exactAccMean,
      [`${prefix}Std`]: g.exactAccStd,
    });
  }
  const data = [...cells.values()].map((c): Rec => {
    const p = PAPER_TABLE3.find((r) => r.k === c.k && r.T === c.T);
    return { ...c, paperHrmAcc: p?.hrmAcc, paperTrmAcc: p ? p.trmAcc ?? "OOM" : undefined };
  });
  const col = (key: string, label: string): Column => ({ key, label, align: "right" });
  const study = opts.study ?? String(runs.getColumn("study").get(0));
  return {
    name: `${study}_depth_matched`,
    title: `${study}: HRM (n=k, 4 layers) vs TRM (n=2k, 2 layers) at matched depth`,
    caption:
      `Exact accuracy %, mean ± std over seeds; depth = T·(n+1)·layers. Paper: ${PAPER_SOURCE}.` +
      failedNote(runs),
    columns: [
      col("k", "k"),
      col("T", "T"),
      col("hrmDepth", "HRM depth"),
      col("hrmAcc", "HRM exact %"),
      col("paperHrm", "paper HRM %"),
      col("trmDepth", "TRM depth"),
      col("trmAcc", "TRM exact %"),
      col("paperTrm", "paper TRM %"),
    ],
    rows: data.map((d) => ({
      k: String(d.k),
      T: String(d.T),
      hrmDepth: String(d.hrmDepth ?? "–"),
      hrmAcc: meanStd(d.hrmAcc, d.hrmStd, 100),
      paperHrm: fixed(d.paperHrmAcc),
      trmDepth: String(d.trmDepth ?? "–"),
      trmAcc: meanStd(d.trmAcc, d.trmStd, 100),
      paperTrm: fixed(d.paperTrmAcc),
    })),
    data,
  };
}
