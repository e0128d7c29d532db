/**
 * Which tables and figures a study gets, chosen from what it varies, and
 * writing them all: what `deno task report` runs for each study.
 *
 * @module
 */
import type pl from "nodejs-polars";
import {
  type CurvePoint,
  doneRuns,
  loadCurves,
  loadRuns,
  type ResultsOptions,
  variedKeys,
} from "./load.ts";
import { accuracyHeatmap, accuracyVsDepth, type Figure } from "./plots.ts";
import { fitCurves, learningCurves } from "./plots_curves.ts";
import { haltCountsFromRuns, haltingHistogram, throughputByBackend } from "./plots_compute.ts";
import { saveFigure } from "./render.ts";
import { saveTable } from "./table_format.ts";
import { depthMatchedTable, type ReportTable, studyTable } from "./tables.ts";
import type { Leaf } from "./paper.ts";
import type { Study } from "../run/study.ts";
import { verdictFigure } from "./verdict_figure.ts";
import { armsOf, compareArms, verdictTable } from "./verdicts.ts";

/** The report options a declared study implies: its regime's title and its raw-weights variant. */
export function reportOptions(
  study: Study,
): { regime?: string; raw?: { label: string; set: Record<string, Leaf> } } {
  return {
    regime: study.regime ? `${study.regime.name} (${study.regime.title})` : undefined,
    raw: study.rawVariant
      ? { label: study.rawVariant.label, set: { ...study.rawVariant.set } }
      : undefined,
  };
}

/** What a study's declaration adds to its report (see lib/run/study.ts). */
export interface StudyReportOptions extends ResultsOptions {
  /** The regime's title, for captions. */
  regime?: string;
  /** A variant read from the raw weights of EMA runs. */
  raw?: { label: string; set: Record<string, Leaf> };
}

function distinct(runs: pl.DataFrame, col: string): number {
  return runs.columns.includes(col) ? doneRuns(runs).getColumn(col).nUnique() : 0;
}

/** Whether the runs cover at least half of the n x T grid (else a heatmap is mostly empty). */
function isGrid(runs: pl.DataFrame): boolean {
  const pairs = doneRuns(runs).select("latentSteps", "recursions").unique().height;
  return 2 * pairs >= distinct(runs, "latentSteps") * distinct(runs, "recursions");
}

/**
 * The study's table; its verdicts (each variant against the base, paired by
 * seed) when one of its points is the paper's TRM; and the Table 3 layout when
 * it compares HRM with TRM.
 */
export function studyTables(
  runs: pl.DataFrame,
  study: string,
  opts: Omit<StudyReportOptions, keyof ResultsOptions> = {},
): ReportTable[] {
  const tables = [studyTable(runs, { study })];
  const { keys, arms } = armsOf(runs, opts.raw);
  if (compareArms(keys, arms).some((c) => c.isBase) && arms.length > 1) {
    tables.push(verdictTable(runs, { study, ...opts }));
  }
  if (distinct(runs, "arch") > 1 && runs.columns.includes("depth")) {
    tables.push(depthMatchedTable(runs, { study }));
  }
  return tables;
}

/** Named figures for the study; learning curves only when `curves` has points. */
export function studyFigures(runs: pl.DataFrame, curves: CurvePoint[]): Record<string, Figure> {
  const varied = variedKeys(runs);
  const out: Record<string, Figure> = {};
  // Training puzzles beside held-out ones: does each variant fit while held-out levels off?
  if (curves.some((p) => p.split === "trainSet")) out.fit = fitCurves(curves);
  if (distinct(runs, "depth") > 1) out.accuracy_vs_depth = accuracyVsDepth(runs);
  if (varied.includes("latentSteps") && varied.includes("recursions") && isGrid(runs)) {
    out.accuracy_n_T = accuracyHeatmap(runs);
  }
  // A held-out curve needs evaluations during training (evalEvery > 0), not only the final one.
  const evalSteps = new Set(
    curves.filter((p) => p.split === "eval" && p.metric === "exactAcc").map((p) => p.step),
  );
  if (evalSteps.size > 1) {
    out.curves_exact = learningCurves(curves, { metric: "exactAcc", split: "eval" });
  }
  if (curves.some((p) => p.split === "supervision")) {
    out.exact_by_supervision_step = learningCurves(curves, { split: "supervision" });
  }
  if (curves.some((p) => p.split === "train" && p.metric === "loss")) {
    out.curves_loss = learningCurves(curves, { metric: "loss", split: "train" });
  }
  if (
    (varied.includes("halting") || varied.includes("supervisionSteps")) &&
    runs.columns.includes("stepsUsed")
  ) {
    out.halting_steps = haltingHistogram(haltCountsFromRuns(runs), { unit: "runs" });
  }
  if (distinct(runs, "backend") > 1 && runs.columns.includes("tokensPerSec")) {
    out.tokens_per_sec = throughputByBackend(runs);
  }
  return out;
}

/** What {@link writeStudyReport} did. */
export interface StudyReport {
  files: string[];
  /** Problems that did not stop the report (e.g. run folders missing). */
  notes: string[];
  /** The tables written (the claims table gathers their verdicts). */
  tables: ReportTable[];
}

/**
 * Rebuilds one study's tables under `<results>/tables/` and figures under
 * `<results>/figures/`, from its runs table and run folders.
 */
export async function writeStudyReport(
  study: string,
  opts: StudyReportOptions = {},
): Promise<StudyReport> {
  const results = opts.results ?? "results";
  const runs = await loadRuns(study, opts);
  const files: string[] = [], notes: string[] = [];
  const tables = studyTables(runs, study, { regime: opts.regime, raw: opts.raw });
  for (const t of tables) files.push(...await saveTable(t, `${results}/tables`));
  let curves: CurvePoint[] = [];
  try {
    curves = await loadCurves(runs, opts);
  } catch (e) {
    notes.push(`${study}: no learning curves (${e instanceof Error ? e.message : e})`);
  }
  const figures = studyFigures(runs, curves);
  const verdicts = tables.find((t) => t.name === `${study}_verdicts`);
  if (verdicts) figures.verdicts = verdictFigure(verdicts);
  // Figures the study no longer gets (e.g. re-run with other settings) are removed; study
  // names are kebab-case, so "<study>_" prefixes only this study's figures.
  const dir = `${results}/figures`;
  const kept = new Set(Object.keys(figures).map((n) => `${study}_${n}`));
  await Deno.mkdir(dir, { recursive: true });
  for await (const e of Deno.readDir(dir)) {
    const stem = e.name.replace(/\.(vl\.json|svg|png)$/, "");
    if (stem.startsWith(`${study}_`) && !kept.has(stem)) await Deno.remove(`${dir}/${e.name}`);
  }
  for (const [name, spec] of Object.entries(figures)) {
    files.push(...await saveFigure(spec, `${dir}/${study}_${name}`));
  }
  return { files, notes, tables };
}
