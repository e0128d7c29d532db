/**
 * The report layer: tables and figures rebuilt from `results/` alone, and
 * board pictures for teaching. Notebooks need one or two lines per output:
 *
 * ```ts ignore
 * import { learningCurves, loadCurves, loadRuns, show, studyTable } from "@kit/report/mod.ts";
 * const runs = await loadRuns("depth", { results: "../results" });
 * await show(studyTable(runs));
 * await show(learningCurves(await loadCurves(runs, { results: "../results" })));
 * ```
 *
 * `deno task report` writes the same tables to results/tables/ and figures
 * to results/figures/ (experiments/report.ts).
 *
 * @module
 */
export { answerStrip, boardRow, boardSvg, mazeBoard, sudokuBoard, traceFrames } from "./board.ts";
export type { Board, BoardKind, BoardMarks, Frame } from "./board.ts";
export { display, show } from "./display.ts";
export { doneRuns, listStudies, loadCurves, loadRuns, variedKeys } from "./load.ts";
export type { CurvePoint } from "./load.ts";
export { PAPER_SOURCE, PAPER_TABLE1, PAPER_TABLE2, PAPER_TABLE3 } from "./paper.ts";
export { accuracyHeatmap, accuracyVsDepth, fitCurves, learningCurves } from "./plots.ts";
export type { Figure } from "./plots.ts";
export {
  haltCountsFromRuns,
  haltCountsFromTrace,
  haltingHistogram,
  throughputByBackend,
} from "./plots_compute.ts";
export type { HaltCount } from "./plots_compute.ts";
export { renderSvg, saveFigure, svgToPng } from "./render.ts";
export { reportOptions, studyFigures, studyTables, writeStudyReport } from "./study.ts";
export { claimsTable, verdictTable } from "./verdicts.ts";
export { verdictFigure } from "./verdict_figure.ts";
export { pairedDifference, tInterval, verdict } from "./stats.ts";
export { saveTable, toCSV, toHTML, toLaTeX, toMarkdown } from "./table_format.ts";
export {
  computeFigure,
  depthFigure,
  samplesFigure,
  thinkingTable,
  trajectoryFrames,
} from "./thinking.ts";
export type { LabelledSummary } from "./thinking.ts";
export { depthMatchedTable, studyTable, summarize } from "./tables.ts";
export type { ReportTable } from "./tables.ts";
