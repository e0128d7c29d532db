import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import type { TopLevelSpec } from "vega-lite";
import { doneRuns, loadCurves, loadRuns } from "./load.ts";
import { PAPER_TABLE3 } from "./paper.ts";
import { accuracyHeatmap, accuracyVsDepth } from "./plots.ts";
import { learningCurves } from "./plots_curves.ts";
import {
  haltCountsFromRuns,
  haltCountsFromTrace,
  haltingHistogram,
  throughputByBackend,
} from "./plots_compute.ts";
import { compileSpec, rasterize, renderSvg } from "./render.ts";
import { countLegendLabels, countMarks } from "./testdata/svg.ts";
import { SEEDS, STUDIES, writeSyntheticResults } from "./testdata/synthetic.ts";

const root = await Deno.makeTempDir({ prefix: "trm_plots_" });
await writeSyntheticResults(`${root}/results`);
const results = `${root}/results`;
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
const depth = await loadRuns("depth", { results });

/** Compiles without a warning and renders; returns the SVG. */
async function render(spec: TopLevelSpec): Promise<string> {
  const { warnings } = compileSpec(spec);
  assertEquals(warnings, []);
  assert(String(spec.$schema).endsWith("/v5.json"), "JupyterLab needs the v5 schema");
  const svg = await renderSvg(spec);
  assert(svg.startsWith("<svg"), svg.slice(0, 80));
  return svg;
}

Deno.test("accuracyVsDepth() draws a point and error bar per configuration plus the paper's curve", async () => {
  const configs = STUDIES.depth!.grid.length;
  const paperPoints = PAPER_TABLE3.length +
    PAPER_TABLE3.filter((r) => r.trmAcc !== undefined).length;
  const svg = await render(accuracyVsDepth(depth));
  assertEquals(countMarks(svg, "symbol"), configs + paperPoints);
  assertEquals(countMarks(svg, "rule"), configs);
  assertEquals(countMarks(svg, "line"), 2); // paper HRM and TRM
  assertEquals(countLegendLabels(svg), 3 + 2); // models TRM 2/4 layers, HRM; sources kit, paper
  // Every point says where it comes from (the shape legend).
  const layers =
    (accuracyVsDepth(depth) as { layer: { data: { values: { source?: string }[] } }[] }).layer;
  const sources = layers.flatMap((l) => l.data.values.map((v) => v.source));
  assertEquals(new Set(sources), new Set(["paper (9x9)", "this kit"]));
  assertEquals(sources.length, configs + paperPoints);
  const noPaper = await render(accuracyVsDepth(depth, { paper: false }));
  assertEquals(countMarks(noPaper, "symbol"), configs);
  assertEquals(countMarks(noPaper, "line"), 0);
});

Deno.test("accuracyHeatmap() draws one labelled cell per (n, T), a panel per other key", async () => {
  const svg = await render(accuracyHeatmap(depth));
  const cells = STUDIES.depth!.grid.length;
  assertEquals(countMarks(svg, "rect"), cells);
  assertEquals(countMarks(svg, "text"), 2 * cells); // mean and ± std
  assert(svg.includes("layers=2") && svg.includes("layers=4"), "one panel per layer count");
});

Deno.test("learningCurves() draws a line and band per variant", async () => {
  const curves = await loadCurves(depth, { results });
  const variants = STUDIES.depth!.grid.length;
  for (const [metric, split] of [["exactAcc", "eval"], ["loss", "train"]] as const) {
    const spec = learningCurves(curves, { metric, split });
    const svg = await render(spec);
    assertEquals(countMarks(svg, "line"), variants);
    assertEquals(countMarks(svg, "area"), variants);
    assertEquals(countLegendLabels(svg), variants);
  }
  const values = (learningCurves(curves).data as { values: { mean: number }[] }).values;
  assert(values.every((v) => v.mean >= 0 && v.mean <= 100), "accuracy in percent");
  assertThrows(
    () => learningCurves(curves, { metric: "nope" }),
    'no eval points of "nope"; eval metrics: ',
  );
});

Deno.test("haltCountsFromTrace() takes the first step with p > 0.5, else the last", () => {
  // 3 puzzles, 3 steps: halts at 1, at 3, never (-> 3).
  const haltProb = [[0.9, 0.1, 0.2], [0.2, 0.3, 0.1], [0.1, 0.6, 0.4]].map((p) =>
    Float32Array.from(p)
  );
  assertEquals(haltCountsFromTrace({ haltProb }, "v"), [
    { variant: "v", steps: 1, count: 1 },
    { variant: "v", steps: 3, count: 2 },
  ]);
  // Per-recursion trace (T=2): only each step's last recursion counts.
  const fine = [0.1, 0.9, 0.2, 0.2, 0.2, 0.1].map((p) => Float32Array.from([p]));
  const steps = [1, 2, 3].flatMap((step) => [1, 2].map((recursion) => ({ step, recursion })));
  assertEquals(haltCountsFromTrace({ haltProb: fine, steps }), [
    { variant: "traced", steps: 1, count: 1 },
  ]);
});

Deno.test("haltingHistogram() draws a bar per (variant, steps) as shares", async () => {
  const runs = await loadRuns("halting", { results });
  const counts = haltCountsFromRuns(runs);
  assertEquals(counts.reduce((a, c) => a + c.count, 0), doneRuns(runs).height);
  const spec = haltingHistogram(counts, { unit: "runs" });
  const svg = await render(spec);
  assertEquals(countMarks(svg, "rect"), counts.length);
  const values = (spec.data as { values: { variant: string; share: number }[] }).values;
  const bce = values.filter((v) => v.variant === "halting=bce").reduce((a, v) => a + v.share, 0);
  assertEquals(Math.round(bce), 100);
});

Deno.test("throughputByBackend() draws a bar and error bar per backend", async () => {
  const spec = throughputByBackend(await loadRuns("backend", { results }));
  const svg = await render(spec);
  assertEquals(countMarks(svg, "rect"), STUDIES.backend!.grid.length);
  assertEquals(countMarks(svg, "rule"), STUDIES.backend!.grid.length);
  const wasm = (spec.data as { values: { backend: string; mean: number }[] }).values
    .find((v) => v.backend === "wasm");
  assertEquals(wasm?.mean, 2000 + (100 * (SEEDS.length - 1)) / 2);
});

Deno.test("rasterize() draws the text (the font is found) at twice the SVG size", async () => {
  const svg = await render(accuracyVsDepth(depth));
  const width = Number(svg.match(/width="(\d+)"/)![1]);
  const img = rasterize(svg);
  assertEquals(img.width, 2 * width);
  assert(svg.includes('font-family="DejaVu Sans'), "the spec's config names the installed font");
  // Vega's default family is sans-serif: text that silently vanishes leaves no dark pixels.
  const text = rasterize(
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>` +
      `<text x="5" y="30" font-family="sans-serif" font-size="24">Accuracy</text></svg>`,
  );
  let dark = 0;
  for (let i = 0; i < text.pixels.length; i += 4) if (text.pixels[i]! < 100) dark++;
  assert(dark > 300, `only ${dark} dark pixels: is the font missing?`);
  assertEquals([...img.png().slice(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
});

Deno.test("learningCurves() by supervision step reads the final evaluation's exactByStep", async () => {
  const curves = [0.1, 0.4, 0.5].flatMap((v, k) => [
    {
      runId: "a",
      seed: 0,
      variant: "T=1",
      step: k + 1,
      split: "supervision" as const,
      metric: "exactAcc",
      value: v,
    },
    {
      runId: "b",
      seed: 0,
      variant: "T=2",
      step: k + 1,
      split: "supervision" as const,
      metric: "exactAcc",
      value: v / 2,
    },
  ]);
  const spec = learningCurves(curves, { split: "supervision" });
  assert(JSON.stringify(spec.title).includes("after each supervision step"));
  const svg = await render(spec);
  assertEquals(countMarks(svg, "line"), 2);
  const values = (spec.data as { values: { step: number; mean: number }[] }).values;
  assertEquals(values.find((v) => v.step === 3 && v.mean === 50) !== undefined, true);
});
