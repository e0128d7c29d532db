/**
 * Executed notebooks as HTML pages whose figures show in any browser.
 *
 * `jupyter nbconvert --to html` (6.5, Debian 12) passes every `image/svg+xml`
 * output through its `clean_html` filter, which strips an inline SVG down to
 * its text: the kit's figures and boards come out as empty boxes. Its HTML
 * exporter ranks SVG above PNG and reads no config from the notebook's
 * folder, so a display bundle would get past it only with an HTML or Markdown
 * copy of every figure (HTML would also outrank JupyterLab's Vega renderer).
 * Instead the export hands
 * nbconvert a copy in which each SVG is an `<img>` with the SVG as a data URI
 * (text/html, which nbconvert ranks first and does not sanitise by default):
 * vector, and isolated, so the ids inside one figure cannot clash with
 * another's. The notebook itself is never changed; the executed copy keeps
 * its full bundles for JupyterLab.
 *
 * Execution goes through run_notebook.py (jupyter_client), which waits out
 * Deno's early `idle` that makes `nbconvert --execute` lose outputs.
 *
 * @module
 */
import { runCommand } from "../util/command.ts";
/** One output of a code cell, as nbformat 4 stores it. */
export interface NotebookOutput {
  output_type: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The parts of an nbformat 4 notebook the export reads. */
export interface Notebook {
  cells: { cell_type: string; outputs?: NotebookOutput[]; [key: string]: unknown }[];
  [key: string]: unknown;
}

const SVG = "image/svg+xml";
const HTML = "text/html";

/** Jupyter stores multi-line strings as lists of lines. */
function joined(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v ?? "");
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** Base64 of UTF-8 text (btoa takes Latin-1 only, so bytes go through in chunks). */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** An SVG as an `<img>` whose source is the SVG itself (a data URI), with `alt` text. */
export function svgImg(svg: string, alt = ""): string {
  const uri = `data:${SVG};base64,${base64(svg)}`;
  return `<img src="${uri}" alt="${escapeAttr(alt)}" class="trm-figure">`;
}

/**
 * A copy of `nb` whose SVG outputs are `<img>` tags (text/html), for
 * nbconvert's HTML exporter. Outputs that already carry HTML keep it.
 */
export function shareableNotebook(nb: Notebook): Notebook {
  const copy = structuredClone(nb);
  for (const cell of copy.cells) {
    for (const out of cell.outputs ?? []) {
      const data = out.data;
      if (!data || !(SVG in data) || HTML in data) continue;
      data[HTML] = svgImg(joined(data[SVG]), joined(data["text/plain"]));
      delete data[SVG];
    }
  }
  return copy;
}

/** How many outputs of `nb` hold a figure (an SVG, or an `<img>` the export made). */
export function countFigures(nb: Notebook): number {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) =>
    o.data && (SVG in o.data || joined(o.data[HTML]).includes('class="trm-figure"'))
  ).length;
}

/** The first Python that has jupyter_client and nbformat (a venv's `python3`, else Debian's). */
async function python(): Promise<string> {
  for (const py of ["python3", "/usr/bin/python3"]) {
    if ((await runCommand(py, ["-c", "import jupyter_client, nbformat"])).ok) return py;
  }
  throw new Error(
    "no python3 with jupyter_client and nbformat (apt-get install -y python3-nbclient)",
  );
}

/**
 * Why notebooks cannot be executed and exported here ("" when they can): it
 * needs `jupyter nbconvert`, jupyter_client and Deno's kernel.
 */
export async function exportToolsMissing(kernel = "deno"): Promise<string> {
  if (!(await runCommand("jupyter", ["nbconvert", "--version"])).ok) {
    return "jupyter nbconvert not found (apt-get install -y jupyter-nbconvert python3-nbclient)";
  }
  let py: string;
  try {
    py = await python();
  } catch (e) {
    return (e as Error).message;
  }
  const specs = await runCommand(py, [
    "-c",
    "from jupyter_client.kernelspec import KernelSpecManager as K; print(*K().find_kernel_specs())",
  ]);
  return specs.out.split(/\s+/).includes(kernel)
    ? ""
    : `the ${kernel} kernel is not installed (deno jupyter --install)`;
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Extra environment for the kernel (e.g. `{ TRM_PRESET: "smoke" }`). */
  env?: Record<string, string>;
  kernel?: string;
  /** Seconds one cell may take (default 900). */
  timeoutS?: number;
}

/**
 * Runs the notebook at `src` top to bottom in its own folder and writes it,
 * with every output, to `dst`. A failing cell throws with its traceback
 * (`dst` then holds the cells up to it).
 */
export async function executeNotebook(
  src: string,
  dst: string,
  opts: ExecuteOptions = {},
): Promise<void> {
  const script = new URL("./run_notebook.py", import.meta.url).pathname;
  const args = [script, src, dst, opts.kernel ?? "deno", String(opts.timeoutS ?? 900)];
  const r = await runCommand(await python(), args, { NO_COLOR: "1", ...opts.env });
  if (!r.ok) throw new Error(`${src} failed:\n${r.err.split("\n").slice(-40).join("\n")}`);
}

/** The file name without folder and `.ipynb`. */
export function notebookName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/\.ipynb$/, "");
}

/**
 * Writes the executed notebook at `executed` as `<outDir>/<name>.html` with
 * every figure drawn (see the module note); returns the page's path.
 */
export async function notebookToHtml(executed: string, outDir: string): Promise<string> {
  const name = notebookName(executed);
  const nb = JSON.parse(await Deno.readTextFile(executed)) as Notebook;
  const tmp = await Deno.makeTempDir({ prefix: "trm-export-" });
  try {
    // Same file name, so the page's title is the notebook's.
    const copy = `${tmp}/${name}.ipynb`;
    await Deno.writeTextFile(copy, JSON.stringify(shareableNotebook(nb)));
    await Deno.mkdir(outDir, { recursive: true });
    const r = await runCommand("jupyter", [
      "nbconvert",
      "--to",
      "html",
      "--output-dir",
      outDir,
      copy,
    ]);
    if (!r.ok) throw new Error(`nbconvert could not export ${executed}:\n${r.err}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  return `${outDir}/${name}.html`;
}

/** Options of {@link exportNotebook}. */
export interface ExportOptions extends ExecuteOptions {
  /** Where `<name>.ipynb` (executed) and `<name>.html` go. */
  outDir: string;
  /** False: `src` already holds its outputs (run before, or saved from JupyterLab). */
  execute?: boolean;
}

/** Executes `src` (unless told not to) and exports it; returns both paths. */
export async function exportNotebook(
  src: string,
  opts: ExportOptions,
): Promise<{ notebook: string; html: string }> {
  const name = notebookName(src);
  let notebook = src;
  if (opts.execute ?? true) {
    await Deno.mkdir(opts.outDir, { recursive: true });
    notebook = `${opts.outDir}/${name}.ipynb`;
    const dir = (p: string) => p.includes("/") ? p.slice(0, p.lastIndexOf("/")) || "/" : ".";
    if ((await Deno.realPath(opts.outDir)) === (await Deno.realPath(dir(src)))) {
      // Notebooks are kept without outputs; the executed copy must not replace one.
      throw new Error(`${src}: --out is the notebook's own folder; pick another`);
    }
    await executeNotebook(src, notebook, opts);
  }
  return { notebook, html: await notebookToHtml(notebook, opts.outDir) };
}
