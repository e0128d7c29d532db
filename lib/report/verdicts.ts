/**
 * A study's verdicts: each variant against the study's base (the point that
 * stands for the paper's TRM), paired by seed, with 95% intervals, and a
 * verdict against the direction the paper reports (Tables 1-2).
 *
 * The EMA ablation needs no runs of its own: with `evalRaw` every EMA run also
 * scores its raw weights, so "no EMA" is read from the same runs, exactly
 * paired (the `raw` option).
 *
 * @module
 */
import type pl from "nodejs-polars";
import { doneRuns, SYMBOLS, variantLabel, variedKeys } from "./load.ts";
import { type Leaf, matchPaperRow, PAPER_SOURCE, PAPER_TABLE1, PAPER_TABLE2 } from "./paper.ts";
import { type Interval, pairedDifference, tInterval, type Verdict, verdict } from "./stats.ts";
import type { Column, ReportTable } from "./tables.ts";

type Rec = Record<string, Leaf | null | undefined>;

/** One variant of a study: its varied values and its exact accuracy per seed. */
export interface Arm {
  label: string;
  values: Record<string, Leaf>;
  bySeed: Map<number, number>;
  /** Training-set exact accuracy per seed (the fit), where recorded. */
  trainBySeed: Map<number, number>;
  /** Best evaluation's held-out exact accuracy per seed, where recorded. */
  bestBySeed: Map<number, number>;
}

/** One row of a verdict table, unformatted. */
export interface Comparison {
  arm: Arm;
  isBase: boolean;
  acc: Interval;
  paperLabel?: string;
  paperAcc?: number;
  /** Paired difference to the base (accuracy points as fractions), absent for the base. */
  diff?: Interval & { seeds: number[] };
  paperDiff?: number;
  verdict?: Verdict;
  /** The same at each run's best evaluation (chosen on held-out puzzles: optimistic). */
  bestDiff?: Interval & { seeds: number[] };
  bestVerdict?: Verdict;
}

/** The study's arms from its runs table (done runs only), in table order. */
export function armsOf(runs: pl.DataFrame, raw?: { label: string; set: Record<string, Leaf> }): {
  keys: string[];
  arms: Arm[];
} {
  const keys = variedKeys(runs);
  const arms = new Map<string, Arm>();
  const recs = doneRuns(runs).toRecords() as Rec[];
  const put = (arm: Arm, rec: Rec, acc: unknown, train: unknown, best: unknown) => {
    const seed = Number(rec.seed);
    if (typeof acc === "number") arm.bySeed.set(seed, acc);
    if (typeof train === "number") arm.trainBySeed.set(seed, train);
    if (typeof best === "number") arm.bestBySeed.set(seed, best);
  };
  const arm = (label: string, values: Record<string, Leaf>) => {
    if (!arms.has(label)) {
      arms.set(label, {
        label,
        values,
        bySeed: new Map(),
        trainBySeed: new Map(),
        bestBySeed: new Map(),
      });
    }
    return arms.get(label)!;
  };
  for (const rec of recs) {
    const values = Object.fromEntries(keys.map((k) => [k, rec[k] as Leaf]));
    put(
      arm(variantLabel(values, keys), values),
      rec,
      rec.exactAcc,
      rec.trainSetExactAcc,
      rec.bestExactAcc,
    );
  }
  if (raw) {
    // The raw weights of each EMA run: same data, same steps, one training.
    for (const rec of recs) {
      if (rec.ema !== true || typeof rec.rawExactAcc !== "number") continue;
      const values = { ...Object.fromEntries(keys.map((k) => [k, rec[k] as Leaf])), ...raw.set };
      put(arm(raw.label, values), rec, rec.rawExactAcc, undefined, rec.rawBestExactAcc);
    }
  }
  return {
    keys: [...new Set([...keys, ...Object.keys(raw?.set ?? {})])],
    arms: [...arms.values()],
  };
}

function paperRow(keys: string[], values: Record<string, Leaf>) {
  return matchPaperRow(PAPER_TABLE1, keys, values) ?? matchPaperRow(PAPER_TABLE2, keys, values);
}

/**
 * Compares every arm with the base: the arm that matches the paper's TRM (no
 * changes) on the varied keys. Without such an arm there is nothing to pair
 * against and every row is returned without a difference.
 */
export function compareArms(keys: string[], arms: Arm[]): Comparison[] {
  const rows = arms.map((arm): Comparison => {
    const paper = paperRow(keys, arm.values);
    return {
      arm,
      isBase: paper !== undefined && Object.keys(paper.changes).length === 0,
      acc: tInterval([...arm.bySeed.values()]),
      paperLabel: paper?.label,
      paperAcc: paper?.exactAcc,
    };
  });
  const base = rows.find((r) => r.isBase);
  if (!base) return rows;
  for (const r of rows) {
    if (r === base) continue;
    r.diff = pairedDifference(base.arm.bySeed, r.arm.bySeed);
    r.paperDiff = r.paperAcc !== undefined && base.paperAcc !== undefined
      ? r.paperAcc - base.paperAcc
      : undefined;
    r.verdict = verdict(r.diff, r.paperDiff);
    if (base.arm.bestBySeed.size && r.arm.bestBySeed.size) {
      r.bestDiff = pairedDifference(base.arm.bestBySeed, r.arm.bestBySeed);
      r.bestVerdict = verdict(r.bestDiff, r.paperDiff);
    }
  }
  return [base, ...rows.filter((r) => r !== base)];
}

const pct = (v: number, digits = 1) => Number.isFinite(v) ? (100 * v).toFixed(digits) : "–";
const signed = (v: number) => (Number.isFinite(v) ? (v >= 0 ? "+" : "") + pct(v) : "–");
const mean = (m: Map<number, number>) =>
  m.size ? [...m.values()].reduce((a, b) => a + b, 0) / m.size : NaN;

/**
 * The verdict table of a study: per arm the held-out exact accuracy (mean ±
 * std, 95% interval), the training-set fit and the best evaluation; per
 * variant the paired difference to the base with its 95% interval, the
 * paper's difference and the verdict.
 */
export function verdictTable(
  runs: pl.DataFrame,
  opts: { study: string; regime?: string; raw?: { label: string; set: Record<string, Leaf> } },
): ReportTable {
  const { keys, arms } = armsOf(runs, opts.raw);
  if (!arms.length) throw new Error(`study "${opts.study}" has no finished runs`);
  const rows = compareArms(keys, arms);
  const right = (key: string, label: string): Column => ({ key, label, align: "right" });
  const columns: Column[] = [
    { key: "variant", label: "variant", align: "left" },
    right("exact", "held-out exact %"),
    right("ci", "95% CI"),
    right("trainSet", "train-set exact %"),
    right("best", "best eval %"),
    right("seeds", "seeds"),
    right("diff", "Δ vs base (paired)"),
    right("diffCi", "Δ 95% CI"),
    { key: "paperVariant", label: "paper", align: "left" },
    right("paperDiff", "paper Δ"),
    { key: "verdict", label: "verdict", align: "left" },
    right("bestDiff", "Δ at best eval [95% CI]"),
    { key: "bestVerdict", label: "verdict at best", align: "left" },
  ];
  const formatted = rows.map((r) => ({
    variant: r.isBase ? `${r.arm.label} (base)` : r.arm.label,
    exact: `${pct(r.acc.mean)} ± ${pct(r.acc.std)}`,
    ci: Number.isFinite(r.acc.lo) ? `[${pct(r.acc.lo)}, ${pct(r.acc.hi)}]` : "–",
    trainSet: pct(mean(r.arm.trainBySeed)),
    best: pct(mean(r.arm.bestBySeed)),
    seeds: String(r.acc.n),
    diff: r.diff ? signed(r.diff.mean) : "",
    diffCi: r.diff && Number.isFinite(r.diff.lo)
      ? `[${signed(r.diff.lo)}, ${signed(r.diff.hi)}]`
      : "",
    paperVariant: r.paperLabel ? `${r.paperLabel} (${r.paperAcc!.toFixed(1)})` : "–",
    paperDiff: r.paperDiff !== undefined
      ? (r.paperDiff >= 0 ? "+" : "") + r.paperDiff.toFixed(1)
      : "",
    verdict: r.verdict ?? (r.isBase ? "base" : "–"),
    bestDiff: r.bestDiff
      ? `${signed(r.bestDiff.mean)}` +
        (Number.isFinite(r.bestDiff.lo)
          ? ` [${signed(r.bestDiff.lo)}, ${signed(r.bestDiff.hi)}]`
          : "")
      : "",
    bestVerdict: r.bestVerdict ?? "",
  }));
  const data = rows.map((r) => ({
    study: opts.study,
    regime: opts.regime ?? null,
    variant: r.arm.label,
    isBase: r.isBase,
    ...Object.fromEntries(keys.map((k) => [k, r.arm.values[k] ?? null])),
    seeds: r.acc.n,
    exactMean: r.acc.mean,
    exactStd: Number.isFinite(r.acc.std) ? r.acc.std : null,
    exactLo: Number.isFinite(r.acc.lo) ? r.acc.lo : null,
    exactHi: Number.isFinite(r.acc.hi) ? r.acc.hi : null,
    trainSetExactMean: Number.isFinite(mean(r.arm.trainBySeed)) ? mean(r.arm.trainBySeed) : null,
    bestExactMean: Number.isFinite(mean(r.arm.bestBySeed)) ? mean(r.arm.bestBySeed) : null,
    diffMean: r.diff?.mean ?? null,
    diffLo: r.diff && Number.isFinite(r.diff.lo) ? r.diff.lo : null,
    diffHi: r.diff && Number.isFinite(r.diff.hi) ? r.diff.hi : null,
    pairedSeeds: r.diff?.seeds.join(" ") ?? null,
    paperVariant: r.paperLabel ?? null,
    paperExactAcc: r.paperAcc ?? null,
    paperDiff: r.paperDiff ?? null,
    verdict: r.verdict ?? (r.isBase ? "base" : null),
    bestDiffMean: r.bestDiff?.mean ?? null,
    bestDiffLo: r.bestDiff && Number.isFinite(r.bestDiff.lo) ? r.bestDiff.lo : null,
    bestDiffHi: r.bestDiff && Number.isFinite(r.bestDiff.hi) ? r.bestDiff.hi : null,
    bestVerdict: r.bestVerdict ?? null,
  }));
  const by = keys.map((k) => SYMBOLS[k] ?? k).join(", ");
  return {
    name: `${opts.study}_verdicts`,
    title: `${opts.study}: each variant against the base, paired by seed (${by})`,
    caption: "Held-out exact accuracy at the end of training (EMA weights where EMA is on), " +
      "mean ± std over seeds and its 95% t interval; train-set exact: the training puzzles, " +
      "same weights; best eval: the best evaluation during training (on its held-out subset), " +
      "mean over seeds. Δ: variant minus base over the seeds both ran (same data order and, " +
      "where shapes allow, the same initial weights), with its 95% t interval. Verdict: " +
      "holds / reversed when the interval excludes zero on the paper's side / the other side, " +
      "inconclusive when it crosses zero. The verdict is on the final evaluation (the headline); " +
      "the last two columns pair each run's best evaluation instead, which is chosen on held-out " +
      "puzzles and so flatters every arm." +
      (opts.regime ? ` Regime: ${opts.regime}.` : "") + ` Paper: ${PAPER_SOURCE}.`,
    columns,
    rows: formatted,
    data,
  };
}

/**
 * Every claim of every study in one table: the variant rows of the studies'
 * verdict tables (bases left out), claim by claim.
 */
export function claimsTable(tables: readonly ReportTable[]): ReportTable {
  const rows: Record<string, string>[] = [];
  const data: Record<string, Leaf | null | undefined>[] = [];
  for (const t of tables) {
    t.data.forEach((d, i) => {
      if (d.isBase) return;
      const study = String(d.study);
      rows.push({ study, ...t.rows[i]! });
      data.push(d);
    });
  }
  const columns: Column[] = [
    { key: "study", label: "study", align: "left" },
    ...(tables[0]?.columns ?? []),
  ];
  return {
    name: "verdicts",
    title: "Every claim: each variant against its study's base, paired by seed",
    caption: tables[0]?.caption ?? "",
    columns,
    rows,
    data,
  };
}
