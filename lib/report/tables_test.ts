import { assert, assertEquals, assertRejects, assertThrows } from "../util/assert.ts";
import pl from "nodejs-polars";
import { checkRuns, doneRuns, listStudies, loadCurves, loadRuns, variedKeys } from "./load.ts";
import { matchPaperRow, PAPER_TABLE1, PAPER_TABLE2 } from "./paper.ts";
import { toCSV, toHTML, toLaTeX, toMarkdown } from "./table_format.ts";
import { depthMatchedTable, meanStd, studyTable, summarize } from "./tables.ts";
import { SEEDS, STUDIES, syntheticAcc, writeSyntheticResults } from "./testdata/synthetic.ts";

const root = await Deno.makeTempDir({ prefix: "trm_report_" });
const written = await writeSyntheticResults(`${root}/results`);
const results = `${root}/results`;
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

/** The expected cell "mean ± std" of a synthetic config over its seeds. */
function expectedAcc(point: Record<string, string | number | boolean>): string {
  const v = SEEDS.map((s) => syntheticAcc({ ...written.depth![0]!, ...point }, s) * 100);
  const mean = v.reduce((a, b) => a + b) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return `${mean.toFixed(1)} ± ${std.toFixed(1)}`;
}

Deno.test("listStudies() finds every study with a runs table", async () => {
  assertEquals(await listStudies({ results }), Object.keys(STUDIES).sort());
});

Deno.test("loadRuns() reads CSV and Parquet alike and adds depth", async () => {
  const csv = await loadRuns("depth", { results });
  const parquet = await loadRuns("ablation", { results });
  assertEquals(csv.height, STUDIES.depth!.grid.length * SEEDS.length + 1);
  assertEquals(variedKeys(csv), ["layers", "latentSteps", "recursions"]);
  assertEquals(variedKeys(parquet), ["ema", "mixer"]);
  assertEquals(doneRuns(csv).height, csv.height - 1);
  const row = doneRuns(csv).toRecords()[0]!;
  assertEquals(
    row.depth,
    Number(row.recursions) * (Number(row.latentSteps) + 1) * Number(row.layers),
  );
  assertEquals(typeof parquet.getColumn("ema").toArray()[0], "boolean");
});

Deno.test("loadRuns() names the missing file or column", async () => {
  await assertRejects(() => loadRuns("nope", { results }), `${results}/nope/runs.csv`);
  assertThrows(
    () => checkRuns(pl.DataFrame({ study: ["x"], runId: ["a"] }), "t.csv"),
    't.csv lacks column(s) "status"',
  );
});

Deno.test("loadCurves() reads every done run's lines, skipping a torn last line", async () => {
  const runs = await loadRuns("ablation", { results });
  const curves = await loadCurves(runs, { results });
  const runIds = new Set(curves.map((p) => p.runId));
  assertEquals(runIds.size, doneRuns(runs).height);
  const one = curves.filter((p) => p.runId === "ablation-0-s0" && p.metric === "loss");
  assertEquals(one.map((p) => p.step), [10, 20, 30, 40, 50]);
  assertEquals(
    curves.filter((p) =>
      p.runId === "ablation-0-s0" && p.split === "eval" && p.metric === "exactAcc"
    ).length,
    2,
  );
  assertEquals(one[0]!.variant, "ema=true, mixer=mlp");
  // runDir from the repository root is found too; a missing folder is named.
  const fromRoot = runs.filter(pl.col("runId").eq(pl.lit("ablation-0-s0")))
    .withColumns(pl.lit("results/runs/ablation-0-s0").alias("runDir"));
  assertEquals(
    (await loadCurves(fromRoot, { results })).length,
    curves.filter((p) => p.runId === "ablation-0-s0").length,
  );
  const gone = fromRoot.withColumns(pl.lit("runs/gone").alias("runDir"));
  await assertRejects(
    () => loadCurves(gone, { results }),
    'no metrics.jsonl for run folder "runs/gone"',
  );
});

Deno.test("summarize() gives mean, std and seeds per group; one seed has no std", () => {
  const df = pl.DataFrame({ k: ["a", "a", "b"], seed: [0, 1, 0], exactAcc: [0.5, 0.7, 0.9] });
  const rows = summarize(df, { by: ["k"], metrics: ["exactAcc"] }).toRecords();
  assertEquals(rows.map((r) => [r.k, r.seeds]), [["a", 2], ["b", 1]]);
  assertEquals(meanStd(rows[0]!.exactAccMean, rows[0]!.exactAccStd, 100), "60.0 ± 14.1");
  assertEquals(meanStd(rows[1]!.exactAccMean, rows[1]!.exactAccStd, 100), "90.0");
});

Deno.test("studyTable() has one row per configuration with the expected numbers", async () => {
  const t = studyTable(await loadRuns("depth", { results }), { study: "depth" });
  assertEquals(t.rows.length, STUDIES.depth!.grid.length);
  for (const [i, point] of STUDIES.depth!.grid.entries()) {
    const row = t.rows.find((r) =>
      ["layers", "latentSteps", "recursions"].every((k) => r[k] === String(point[k]))
    );
    assert(row, `row ${i} missing`);
    assertEquals(row.exactAcc, expectedAcc(point));
    assertEquals(row.seeds, String(SEEDS.length));
  }
  assert(t.caption.includes("1 failed run(s)"), t.caption);
  const paper = t.rows.filter((r) => r.paper !== "–").map((r) => [r.paperVariant, r.paper]);
  assertEquals(paper, [["w/ T=2, n=2", "73.7"], ["w/ 4-layers, n=3", "79.5"]]);
});

Deno.test("studyTable() puts the paper's ablation beside each variant", async () => {
  const t = studyTable(await loadRuns("ablation", { results }), { study: "ablation" });
  const byVariant = Object.fromEntries(
    t.rows.map((r) => [`${r.ema}/${r.mixer}`, [r.paperVariant, r.paper]]),
  );
  assertEquals(byVariant, {
    "true/mlp": ["TRM (T=3, n=6)", "87.4"],
    "false/mlp": ["no EMA", "79.9"],
    "true/attention": ["w/ self-attention", "74.7"],
    "false/attention": ["–", "–"],
  });
});

Deno.test("matchPaperRow() needs every changed key varied and equal", () => {
  assertEquals(
    matchPaperRow(PAPER_TABLE2, ["latentMode"], { latentMode: "single" })?.exactAcc,
    71.9,
  );
  assertEquals(matchPaperRow(PAPER_TABLE1, ["ema"], { ema: "false" })?.label, "no EMA");
  assertEquals(matchPaperRow(PAPER_TABLE1, ["layers"], { layers: 4 }), undefined);
  assertEquals(matchPaperRow(PAPER_TABLE1, ["lr"], { lr: 1 }), undefined);
});

Deno.test("depthMatchedTable() pairs HRM n=k with TRM n=2k and shows the paper's Table 3", async () => {
  const t = depthMatchedTable(await loadRuns("hrm", { results }), { study: "hrm" });
  assertEquals(t.rows.map((r) => [r.k, r.T, r.hrmDepth, r.trmDepth, r.paperHrm, r.paperTrm]), [
    ["1", "1", "8", "6", "46.4", "63.2"],
    ["2", "2", "24", "20", "55.0", "81.9"],
    ["3", "3", "48", "42", "61.6", "87.4"],
  ]);
  assert(t.rows.every((r) => /^\d+\.\d ± \d+\.\d$/.test(r.hrmAcc!) && /±/.test(r.trmAcc!)));
});

Deno.test("toMarkdown/toHTML/toLaTeX/toCSV render every row and escape", async () => {
  const t = studyTable(await loadRuns("ablation", { results }), { study: "ablation" });
  t.rows[0]!.mixer = "a|b<c>&50%";
  const md = toMarkdown(t).split("\n").filter((l) => l.startsWith("|"));
  assertEquals(md.length, 2 + t.rows.length);
  assert(md.some((l) => l.includes("a\\|b<c>&50%")));
  const html = toHTML(t);
  assertEquals(html.match(/<tr>/g)?.length, 1 + t.rows.length);
  assert(html.includes("a|b&lt;c&gt;&amp;50%"));
  const tex = toLaTeX(t);
  assert(tex.includes("a|b<c>\\&50\\%") && tex.includes("$\\pm$") && !tex.includes("±"), tex);
  assertEquals(tex.split("\n").filter((l) => l.endsWith("\\\\")).length, 1 + t.rows.length);
  assertEquals(toCSV(t).trim().split("\n").length, 1 + t.rows.length);
});
