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
export { boardRow, boardSvg, mazeBoard, sudokuBoard } from "./board.ts";
export type { Board, BoardKind, BoardMarks } from "./board.ts";
export { answerStrip, traceFrames } from "./board_strip.ts";
export type { Frame } from "./board_strip.ts";
export { display, show } from "./display.ts";
export { doneRuns, listStudies, loadCurves, loadRuns, variedKeys } from "./load.ts";
export type { CurvePoint } from "./load.ts";
export { PAPER_SOURCE, PAPER_TABLE1, PAPER_TABLE2, PAPER_TABLE3 } from "./paper.ts";
export { accuracyHeatmap, accuracyVsDepth } from "./plots.ts";
export { fitCurves, learningCurves, supervisionCurve } from "./plots_curves.ts";
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
export { claimsReadmeTable, markdownTableCells } from "./claims.ts";
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
// Mechanisms, for the notebooks: tiny models and what each ablation changes inside them.
export { testInputs, tinyScore, traceStrip, trainTiny } from "./tiny.ts";
export type { TinyModel } from "./tiny.ts";
export { netCalls, netCallsTable } from "./mechanism_calls.ts";
export type { NetCall } from "./mechanism_calls.ts";
export { traceYZ, yzAccuracy, yzStrip, yzStrips } from "./mechanism_trace.ts";
export type { YZTrace } from "./mechanism_trace.ts";
export { haltingFigure, haltingTrace, haltRows } from "./mechanism_halting.ts";
export type { HaltRow } from "./mechanism_halting.ts";
export { mixerParameters, mixingHeatmap, tokenMixing } from "./mechanism_mixer.ts";
export { driftFigure, emaDemo, networkDrift, weightDistance } from "./mechanism_weights.ts";
export type { DriftRow } from "./mechanism_weights.ts";
export { runCurves } from "./run_curves.ts";
export { listingMarkdown, readSource, showSource } from "./source.ts";
export type { Listing } from "./source.ts";
// Sharing executed notebooks as pages whose figures show (deno task export).
export {
  executeNotebook,
  exportNotebook,
  exportToolsMissing,
  notebookToHtml,
  shareableNotebook,
} from "./export.ts";
export type { ExportOptions, Notebook } from "./export.ts";
