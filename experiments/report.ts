/**
 * Rebuilds every table and figure from `results/` alone (no training):
 *
 *   deno task report              every declared study with runs, and every results/<study>/runs.csv
 *   deno task report gradient ema only these studies
 *   deno task report --results DIR   another results folder (as the sweep's --results)
 *
 * A declared study (experiments/sweeps/) first gets its runs table rebuilt
 * from the run folders of its plan at its regime's preset (`--preset` for
 * another), so a fresh clone rebuilds the committed tables from the committed
 * run records (results/runs/<runId>/{config.json,metrics.jsonl,summary.json}).
 *
 * Tables go to results/tables/<study>.{md,html,tex,csv} (and
 * <study>_verdicts.* where the study has a base to pair against), figures to
 * results/figures/<study>_<figure>.{vl.json,svg,png}; every verdict row of
 * every study goes to results/tables/verdicts.*. A thinking study
 * (lib/studies/thinking/, `deno task think`) gets its tables and figures
 * rebuilt from its point records, results/thinking/<study>-<point>.json.
 *
 * @module
 */
import { listStudies } from "@kit/report/load.ts";
import { type ReportTable } from "@kit/report/tables.ts";
import { saveTable } from "@kit/report/table_format.ts";
import { reportOptions, writeStudyReport } from "@kit/report/study.ts";
import { loadRuns } from "@kit/report/load.ts";
import { verdictFigure } from "@kit/report/verdict_figure.ts";
import { armsOf, claimsTable } from "@kit/report/verdicts.ts";
import { claimsReadmeTable } from "@kit/report/claims.ts";
import { saveFigure } from "@kit/report/render.ts";
import {
  expandStudy,
  parseCommandLine,
  runMain,
  runState,
  variedKeys,
  writeStudyTable,
} from "@kit/run/mod.ts";
import { planThinking, STUDIES, THINKING_STUDIES } from "@kit/studies/mod.ts";
import { loadThinkingRecords, writeThinkingReport } from "@kit/report/thinking_study.ts";

const FLAGS = { results: "string", preset: "string", help: "boolean" } as const;

/**
 * Rebuilds a declared study's runs table from its run folders, when any of
 * them has finished or failed; returns how many have.
 */
async function rebuildTable(name: string, results: string, preset?: string): Promise<number> {
  const study = STUDIES[name]!;
  const plan = expandStudy(study, { preset: preset ?? study.regime?.preset ?? "cpu" });
  const ended = [];
  for (const run of plan) {
    const status = await runState(`${results}/${run.runDir}`);
    if (status === "done" || status === "failed") ended.push(run);
  }
  if (ended.length) {
    await writeStudyTable(results, plan, { study: name, varied: variedKeys(study) });
  }
  return ended.length;
}

/**
 * Rebuilds the tables and figures of the thinking studies among `names` from
 * their point records (<results>/thinking/<id>.json); returns how many had any.
 */
async function thinkingReports(names: readonly string[], results: string): Promise<number> {
  let n = 0;
  for (const name of names.filter((s) => s in THINKING_STUDIES)) {
    const ids = planThinking(THINKING_STUDIES[name]!).map((pt) => pt.id);
    const records = await loadThinkingRecords(results, ids);
    if (!records.length) {
      console.log(`${name}: no point records under ${results}/thinking yet`);
      continue;
    }
    const files = await writeThinkingReport(name, records, results);
    console.log(`${name}: ${files.length} files from ${records.length} point records`);
    for (const f of files) console.log(`  ${f}`);
    n++;
  }
  return n;
}

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log("usage: deno task report [STUDY ...] [--results DIR] [--preset NAME]");
    return 0;
  }
  if (Object.keys(p.overrides).length) {
    throw new Error(`report takes no config keys (got --${Object.keys(p.overrides)[0]})`);
  }
  const results = (p.flags.results as string | undefined) ?? "results";
  const preset = p.flags.preset as string | undefined;
  const declared = Object.keys(STUDIES).sort();
  for (const s of p.positionals) {
    if (
      !declared.includes(s) && !(s in THINKING_STUDIES) &&
      !(await listStudies({ results })).includes(s)
    ) {
      throw new Error(`no study "${s}" under ${results}; declared: ${declared.join(", ")}`);
    }
  }
  const thought = await thinkingReports(
    p.positionals.length ? p.positionals : Object.keys(THINKING_STUDIES),
    results,
  );
  const wanted = p.positionals.length ? p.positionals : declared;
  const empty: string[] = [];
  for (const s of wanted.filter((s) => declared.includes(s))) {
    if (await rebuildTable(s, results, preset) === 0) empty.push(s);
  }
  // A declared study without run folders keeps a runs table written by other means (tests).
  const withRuns = await listStudies({ results });
  const none = empty.filter((s) => !withRuns.includes(s));
  const studies = p.positionals.length
    ? p.positionals.filter((s) => withRuns.includes(s))
    : withRuns;
  for (const s of none) console.log(`${s}: no runs under ${results}/runs yet`);
  if (!studies.length) {
    if (none.length || thought) return 0;
    throw new Error(`no studies under ${results} (no <study>/runs.csv)`);
  }
  const verdicts: ReportTable[] = [];
  for (const study of [...studies]) {
    // A declared study whose runs so far are only its base (shared with other studies) has
    // nothing to compare yet: it gets no tables, rather than a copy of the base's row.
    const declared = STUDIES[study];
    const runs = await loadRuns(study, { results });
    if (declared && armsOf(runs, reportOptions(declared).raw).arms.length < 2) {
      console.log(`${study}: only one point has runs so far; no tables yet`);
      studies.splice(studies.indexOf(study), 1);
    }
  }
  for (const study of studies) {
    const t0 = performance.now();
    const declared = STUDIES[study];
    const opts = { results, ...(declared ? reportOptions(declared) : {}) };
    const { files, notes, tables } = await writeStudyReport(study, opts);
    verdicts.push(...tables.filter((t) => t.name === `${study}_verdicts`));
    for (const n of notes) console.warn(`warning: ${n}`);
    const ms = Math.round(performance.now() - t0);
    console.log(`${study}: ${files.length} files in ${ms} ms`);
    for (const f of files) console.log(`  ${f}`);
  }
  if (verdicts.length && !p.positionals.length) {
    const claims = claimsTable(verdicts);
    const files = [
      ...await saveTable(claims, `${results}/tables`),
      ...await saveTable(claimsReadmeTable(verdicts), `${results}/tables`),
      ...await saveFigure(verdictFigure(claims), `${results}/figures/verdicts`),
    ];
    console.log(`every claim: ${files.join(", ")}`);
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
