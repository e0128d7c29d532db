/**
 * Vega-Lite spec -> Vega -> SVG -> PNG, headless: vega-lite compiles, vega
 * renders with no canvas (`renderer: "none"`, then `toSVG`), resvg
 * rasterises. resvg maps Vega's "sans-serif" to Arial, which is not
 * installed, so both the spec's config and resvg name {@link FONT}.
 *
 * @module
 */
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { FONT } from "./_spec.ts";

/** A compiled spec and what vega-lite warned about (an empty list for a clean spec). */
export interface Compiled {
  spec: vega.Spec;
  warnings: string[];
}

/** Compiles with vega-lite, collecting its warnings instead of printing them. */
export function compileSpec(spec: TopLevelSpec): Compiled {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(" "));
    return logger;
  };
  logger.error = (...args: readonly unknown[]) => {
    throw new Error(`vega-lite: ${args.map(String).join(" ")}`);
  };
  return { spec: vl.compile(spec, { logger }).spec, warnings };
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to RGBA pixels at `scale`, with {@link FONT} for every generic family. */
export function rasterize(
  svg: string,
  opts: { scale?: number } = {},
): { width: number; height: number; pixels: Uint8Array; png: () => Uint8Array } {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: opts.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  const img = resvg.render();
  return { width: img.width, height: img.height, pixels: img.pixels, png: () => img.asPng() };
}

/** An SVG as PNG bytes at `scale` (default 2, for sharp README images). */
export function svgToPng(svg: string, opts: { scale?: number } = {}): Uint8Array {
  return rasterize(svg, opts).png();
}

/** Writes `<path>.vl.json`, `<path>.svg` and `<path>.png`; returns the three paths. */
export async function saveFigure(spec: TopLevelSpec, path: string): Promise<string[]> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const svg = await renderSvg(spec);
  await Deno.writeTextFile(`${path}.vl.json`, JSON.stringify(spec, null, 2) + "\n");
  await Deno.writeTextFile(`${path}.svg`, svg);
  await Deno.writeFile(`${path}.png`, svgToPng(svg));
  return [`${path}.vl.json`, `${path}.svg`, `${path}.png`];
}
