/**
 * Rich output in Deno's Jupyter kernel: a cell ending in
 * `await show(accuracyVsDepth(runs))` (or a table, or a board SVG) displays it.
 *
 * Figures go out as the Vega-Lite v5 mime type (JupyterLab has no v6 one)
 * with an SVG fallback for Classic Notebook and nbconvert, and no text/html,
 * which would outrank the Vega renderer.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "./render.ts";
import { toHTML, toMarkdown } from "./table_format.ts";
import type { ReportTable } from "./tables.ts";

/** The Vega-Lite mime type JupyterLab renders. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
const V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Mime type -> content, as the kernel sends it. */
export type MimeBundle = Record<string, unknown>;

/** What the Deno kernel displays when a cell evaluates to it. */
export interface Displayable {
  [key: symbol]: () => MimeBundle;
}

/** Anything {@link show} accepts: a table, a Vega-Lite spec, or an SVG string (boards). */
export type Showable = ReportTable | TopLevelSpec | string;

/** Wraps a bundle so the kernel displays it. */
export function displayable(bundle: MimeBundle): Displayable {
  return { [Symbol.for("Jupyter.display")]: () => bundle };
}

/** A table as HTML, Markdown and plain text. */
export function tableBundle(t: ReportTable): MimeBundle {
  const md = toMarkdown(t);
  return { "text/html": toHTML(t), "text/markdown": md, "text/plain": md };
}

/** A figure as the Vega-Lite v5 spec plus its SVG rendering. */
export async function figureBundle(spec: TopLevelSpec): Promise<MimeBundle> {
  const title = (spec as { title?: { text?: string } | string }).title;
  return {
    [VEGALITE_MIME]: { ...spec, $schema: V5_SCHEMA },
    "image/svg+xml": await renderSvg(spec),
    "text/plain": typeof title === "string" ? title : title?.text ?? "Vega-Lite figure",
  };
}

function isTable(x: object): x is ReportTable {
  return "columns" in x && "rows" in x && "caption" in x;
}

/** The mime bundle for any {@link Showable}. */
export async function bundleOf(x: Showable): Promise<MimeBundle> {
  if (typeof x === "string") {
    if (!x.trimStart().startsWith("<svg")) {
      throw new Error("show() takes an SVG string, a table or a spec");
    }
    return { "image/svg+xml": x, "text/plain": "SVG image" };
  }
  return isTable(x) ? tableBundle(x) : await figureBundle(x);
}

/** Returns an object that the kernel displays when a cell ends with it. */
export async function show(x: Showable): Promise<Displayable> {
  return displayable(await bundleOf(x));
}

/**
 * Displays now, for several outputs from one cell. Outside the kernel
 * (scripts, tests) it does nothing and returns false.
 */
export async function display(x: Showable): Promise<boolean> {
  type Jupyter = { display(b: MimeBundle, o: { raw: boolean }): Promise<void> };
  let jupyter: Jupyter | undefined;
  try {
    jupyter = (Deno as unknown as { jupyter?: Jupyter }).jupyter;
  } catch {
    return false; // the getter throws outside `deno jupyter`
  }
  if (!jupyter) return false;
  await jupyter.display(await bundleOf(x), { raw: true });
  return true;
}
