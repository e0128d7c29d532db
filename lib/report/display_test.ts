import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { boardSvg, sudokuBoard } from "./board.ts";
import { bundleOf, display, show, VEGALITE_MIME } from "./display.ts";
import { loadRuns } from "./load.ts";
import { throughputByBackend } from "./plots_compute.ts";
import { studyTable } from "./tables.ts";
import { writeSyntheticResults } from "./testdata/synthetic.ts";

const root = await Deno.makeTempDir({ prefix: "trm_display_" });
await writeSyntheticResults(`${root}/results`);
const results = `${root}/results`;
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
const runs = await loadRuns("backend", { results });

Deno.test("show() gives a figure the Vega-Lite v5 mime type, an SVG fallback and no HTML", async () => {
  const shown = await show(throughputByBackend(runs));
  const bundle = (shown[Symbol.for("Jupyter.display")] as () => Record<string, unknown>)();
  assertEquals(Object.keys(bundle).sort(), ["image/svg+xml", "text/plain", VEGALITE_MIME].sort());
  const spec = bundle[VEGALITE_MIME] as { $schema: string; data: { values: unknown[] } };
  assertEquals(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assertEquals(spec.data.values.length, 3);
  assert(String(bundle["image/svg+xml"]).startsWith("<svg"));
  assertEquals(bundle["text/plain"], "Training throughput by backend");
});

Deno.test("bundleOf() shows a table as HTML and Markdown, a board as SVG", async () => {
  const table = await bundleOf(studyTable(runs));
  assert(String(table["text/html"]).startsWith("<table"));
  assert(String(table["text/markdown"]).includes("| backend |"));
  const board = await bundleOf(boardSvg(sudokuBoard(new Uint8Array(16))));
  assertEquals(Object.keys(board), ["image/svg+xml", "text/plain"]);
  await assertRejects(() => bundleOf("hello"), "show() takes an SVG string");
});

Deno.test("display() does nothing outside the Jupyter kernel", async () => {
  assertEquals(await display(studyTable(runs)), false);
});
