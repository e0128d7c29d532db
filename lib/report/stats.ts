/**
 * The statistics of a study: a mean with its 95% interval over seeds, the
 * paired difference of a variant to the study's base (same seeds, so same
 * data order and initial weights), and a verdict against the paper's
 * direction. Student's t quantiles come from jStat (npm `jstat`).
 *
 * @module
 */
import jStat from "jstat";

/** A mean over seeds with a two-sided t interval. */
export interface Interval {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); NaN for one value. */
  std: number;
  /** Interval bounds; NaN when n < 2 (no interval from one seed). */
  lo: number;
  hi: number;
}

/** Mean, std and the `level` t interval of `values` (default 95%). */
export function tInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, std: NaN, lo: NaN, hi: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, std: NaN, lo: NaN, hi: NaN };
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * std / Math.sqrt(n);
  return { n, mean, std, lo: mean - half, hi: mean + half };
}

/** Per-seed differences variant - base over the seeds both have, and their interval. */
export function pairedDifference(
  base: ReadonlyMap<number, number>,
  variant: ReadonlyMap<number, number>,
  level = 0.95,
): Interval & { seeds: number[] } {
  const seeds = [...variant.keys()].filter((s) => base.has(s)).sort((a, b) => a - b);
  const diffs = seeds.map((s) => variant.get(s)! - base.get(s)!);
  return { ...tInterval(diffs, level), seeds };
}

/** How a kit comparison stands against the paper's. */
export type Verdict = "holds" | "reversed" | "inconclusive" | "no paper claim" | "too few seeds";

/**
 * "holds" when the interval of the paired difference excludes zero on the
 * paper's side, "reversed" on the other side, "inconclusive" when it crosses
 * zero. `paperDiff` is the paper's variant minus base (undefined: no claim).
 */
export function verdict(diff: Interval, paperDiff: number | undefined): Verdict {
  if (paperDiff === undefined || paperDiff === 0) return "no paper claim";
  if (!(diff.n >= 2) || !Number.isFinite(diff.lo)) return "too few seeds";
  if (diff.lo <= 0 && diff.hi >= 0) return "inconclusive";
  return Math.sign(diff.mean) === Math.sign(paperDiff) ? "holds" : "reversed";
}
