/**
 * `deno task export` end to end: notebook 00 runs at the smoke preset, is
 * exported, and the page opens in headless Chromium, where every figure it
 * showed (answer strips, the accuracy chart) must be drawn: decoded, laid
 * out, and painting pixels.
 *
 * Needs jupyter nbconvert, jupyter_client, Deno's kernel and Debian's
 * `chromium` (CI installs them, see .ci/run). Outside CI a missing one makes
 * the test ignored, with the reason; with CI=true it runs and fails instead.
 * Set TRM_EXPORT_SCREENSHOT=file.png to keep a screenshot of the page.
 */
import { assert, assertEquals } from "@kit/util/assert.ts";
import { countFigures, exportToolsMissing, type Notebook } from "@kit/report/export.ts";
import { VEGALITE_MIME } from "@kit/report/display.ts";
import { main } from "./export.ts";

const root = new URL("..", import.meta.url).pathname;
const NB00 = `${root}notebooks/00_recursion_explained.ipynb`;

async function chromiumMissing(): Promise<string> {
  try {
    const out = await new Deno.Command("chromium", { args: ["--version"], stdout: "null" })
      .output();
    return out.success ? "" : "chromium --version failed";
  } catch {
    return "chromium not found (apt-get install -y chromium)";
  }
}

const why = [await exportToolsMissing(), await chromiumMissing()].filter(Boolean).join("; ");
const inCI = Deno.env.get("CI") === "true";
if (why && !inCI) console.warn(`notebook export test ignored: ${why}`);

/** Headless Chromium on `url` with `flags` in a 1000 px wide window; stdout as text. */
async function chromium(
  url: string,
  profile: string,
  flags: string[],
  height = 3000,
): Promise<string> {
  const out = await new Deno.Command("chromium", {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      `--window-size=1000,${height}`,
      ...flags,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder();
  assert(out.success, `chromium failed:\n${text.decode(out.stderr).slice(-2000)}`);
  return text.decode(out.stdout);
}

/**
 * Appended to a copy of the page: once every image has loaded, each figure is
 * measured (decoded size, laid-out size) and drawn on a canvas to count the
 * pixels that are neither transparent nor near-white; the result is written
 * into the DOM for `--dump-dom` to carry out.
 */
const PROBE = `<script>
addEventListener("load", () => {
  const figures = [...document.querySelectorAll("img.trm-figure")].map((img) => {
    const box = img.getBoundingClientRect();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    let inked = 0;
    if (c.width && c.height) {
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] > 0 && Math.min(px[i], px[i + 1], px[i + 2]) < 200) inked++;
      }
    }
    return { alt: img.alt, complete: img.complete, natural: [img.naturalWidth, img.naturalHeight],
      shown: [Math.round(box.width), Math.round(box.height)], inked: inked / (c.width * c.height || 1) };
  });
  const pre = document.createElement("pre");
  pre.id = "trm-probe";
  pre.textContent = JSON.stringify({ height: document.documentElement.scrollHeight, figures });
  document.body.append(pre);
});
</script>`;

Deno.test({
  name: "an exported notebook 00 (smoke) draws its answer strip and chart in headless Chromium",
  ignore: why !== "" && !inCI,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    assertEquals(why, "", `CI must have every tool: ${why}`);
    const out = await Deno.makeTempDir({ prefix: "trm-export-test-" });
    try {
      assertEquals(await main(["--preset", "smoke", "--out", out, NB00]), 0);
      // Every figure the notebook showed, in order; the executed copy keeps its full bundles, so
      // JupyterLab still draws the charts from their Vega-Lite spec.
      const executed = JSON.parse(
        await Deno.readTextFile(`${out}/00_recursion_explained.ipynb`),
      ) as Notebook;
      const shown = executed.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data ?? {})
        .filter((d) => "image/svg+xml" in d);
      assertEquals(shown.length, countFigures(executed));
      assert(shown.some((d) => VEGALITE_MIME in d), "notebook 00 shows a chart");
      assert(shown.some((d) => !(VEGALITE_MIME in d)), "notebook 00 shows an answer strip");

      const page = `${out}/00_recursion_explained.html`;
      const html = await Deno.readTextFile(page);
      const probe = `${out}/probe.html`;
      await Deno.writeTextFile(probe, html.replace(/<\/body>/i, `${PROBE}</body>`));
      const dom = await chromium(`file://${probe}`, `${out}/profile`, [
        "--virtual-time-budget=10000",
        "--dump-dom",
      ]);
      const json = dom.match(/<pre id="trm-probe">([^<]*)<\/pre>/)?.[1];
      assert(json, "the probe did not run in the page");
      const { height, figures } = JSON.parse(
        json.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(
          /&amp;/g,
          "&",
        ),
      ) as {
        height: number;
        figures: {
          alt: string;
          complete: boolean;
          natural: number[];
          shown: number[];
          inked: number;
        }[];
      };
      assertEquals(figures.map((f) => f.alt), shown.map((d) => [d["text/plain"]].flat().join("")));
      for (const f of figures) {
        const what = JSON.stringify(f);
        assert(f.complete && f.natural[0]! > 100 && f.natural[1]! > 50, `not decoded: ${what}`);
        assert(f.shown[0]! > 100 && f.shown[1]! > 50, `not laid out: ${what}`);
        assert(f.inked > 0.01, `drew (almost) nothing: ${what}`);
      }

      const shot = Deno.env.get("TRM_EXPORT_SCREENSHOT");
      if (shot) {
        await chromium(`file://${page}`, `${out}/profile`, [`--screenshot=${shot}`], height);
        console.log(`screenshot of ${page}: ${shot}`);
      }
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
