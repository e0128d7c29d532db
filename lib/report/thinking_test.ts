import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import type { TopLevelSpec } from "vega-lite";
import { record } from "./testdata/think.ts";
import { summarizeThinking } from "../train/think_summary.ts";
import { compileSpec, renderSvg } from "./render.ts";
import { countLegendLabels, countMarks } from "./testdata/svg.ts";
import {
  computeFigure,
  depthFigure,
  samplesFigure,
  thinkingTable,
  trajectoryFrames,
} from "./thinking.ts";

async function render(spec: TopLevelSpec): Promise<string> {
  const { warnings } = compileSpec(spec);
  assertEquals(warnings, []);
  assert(String(spec.$schema).endsWith("/v5.json"), "JupyterLab needs the v5 schema");
  return await renderSvg(spec);
}

const deep = summarizeThinking(record(1, 8), { thresholds: [0.5, 0.9] });
const wide = summarizeThinking(record(4, 2), { thresholds: [0.5, 0.9] });

Deno.test("depthFigure() draws exact and cell accuracy per step and marks the trained depth", async () => {
  const svg = await render(depthFigure(deep));
  assertEquals(countMarks(svg, "symbol"), 2 * 8);
  assertEquals(countMarks(svg, "rule"), 1);
  assert(svg.includes("N_sup = 2"), "the subtitle names the trained depth");
});

Deno.test("samplesFigure() draws one line per rule over K = 1, 2, 4", async () => {
  const svg = await render(samplesFigure(wide));
  assertEquals(countMarks(svg, "symbol"), 5 * 3);
  assertEquals(countMarks(svg, "line"), 5);
  assertEquals(countLegendLabels(svg), 5); // the rules; dashed ones are named in the subtitle
  assert(svg.includes("dashed: not the model"));
});

Deno.test("computeFigure() puts depth, halting and every rule on one compute axis", async () => {
  const spec = computeFigure([{ label: "σ=0.1", summary: wide }, { label: "deep", summary: deep }]);
  const values = (spec as { data: { values: { how: string; run: string }[] } }).data.values;
  // One-trajectory curves of both runs share their points; rules appear for K > 1 only.
  assertEquals(values.filter((v) => v.run === "σ=0.1").length, 5 * 2);
  assertEquals(values.filter((v) => v.how === "deeper").length, 8);
  assertEquals(values.filter((v) => v.how === "halting head").length, 2);
  assert(!values.some((v) => v.run === "deep"), "a run with K = 1 adds no rule points");
  const svg = await render(spec);
  assertEquals(countMarks(svg, "line"), 2 + 5);
  assertEquals(countMarks(svg, "symbol"), 8 + 2 + 5 * 2);
});

Deno.test("thinkingTable() lists plain depths, halting thresholds and the rules", () => {
  const t = thinkingTable(deep);
  assertEquals(t.rows.map((r) => r.what), [
    "plain, trained depth",
    "plain, deeper",
    "plain, deeper",
    "halting head, p > 0.5",
    "halting head, p > 0.9",
  ]);
  assertEquals(t.rows.map((r) => r.steps).slice(0, 3), ["2", "4", "8"]);
  assertEquals(t.rows[0]!.calls, "20");
  const k = thinkingTable(wide);
  assert(k.rows.some((r) => r.what!.includes("upper bound") && r.K === "4"));
  assert(k.rows.some((r) => r.what!.includes("verifier")));
});

Deno.test("trajectoryFrames() gives each trajectory's final answer with q_halt and the rule check", () => {
  const frames = trajectoryFrames(record(4, 2), 1, { decode: (t) => t });
  assertEquals(frames.map((f) => f.label), [
    "plain, rules ✗",
    "k=1, rules ✓",
    "k=2, rules ✗",
    "k=3, rules ✓",
  ]);
  assertEquals(Array.from(frames[0]!.cells), [2, 3, 4, 5]);
  assertEquals(frames[0]!.haltProb, 1 / (1 + Math.exp(-(1 - 1)))); // q = t - p - k at the last step
  assertThrows(() => trajectoryFrames(record(4, 2), 9), "puzzle 9 is not in the record");
});
