/**
 * Notebooks as pages to share: each one is run top to bottom on Deno's kernel
 * and written as an executed notebook and an HTML page whose figures show in
 * any browser (plain `jupyter nbconvert --to html` draws the kit's SVG
 * figures as empty boxes; lib/report/export.ts says why).
 *
 *   deno task export notebooks/00_recursion_explained.ipynb            cpu preset
 *   deno task export --preset smoke notebooks/1*.ipynb                 seconds-long runs
 *   deno task export --executed --out /tmp/pages my_run.ipynb         export as it is
 *
 * Writes `<out>/<name>.ipynb` (executed, full bundles: opens in JupyterLab
 * with the Vega-Lite figures) and `<out>/<name>.html`; `--out` defaults to
 * results/notebooks/. `--executed` exports notebooks that already hold their
 * outputs (saved from JupyterLab) without running them.
 *
 * @module
 */
import { exportNotebook, exportToolsMissing } from "@kit/report/export.ts";
import { parseCommandLine, runMain } from "@kit/run/mod.ts";

const FLAGS = { preset: "string", out: "string", executed: "boolean", help: "boolean" } as const;

const USAGE =
  `usage: deno task export [--preset smoke|cpu|...] [--out DIR] [--executed] NOTEBOOK.ipynb...
  runs each notebook (TRM_PRESET=<preset>, else the notebook's default) and writes
  DIR/<name>.ipynb (executed) and DIR/<name>.html (figures drawn); DIR defaults to results/notebooks.
  --executed: the notebooks already hold their outputs; export them without running.`;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (Object.keys(p.overrides).length) {
    throw new Error(
      `notebooks take no config flags (${
        Object.keys(p.overrides).map((k) => `--${k}`).join(", ")
      }); only --preset reaches them`,
    );
  }
  if (!p.positionals.length || p.positionals.some((n) => !n.endsWith(".ipynb"))) {
    console.log(USAGE);
    return 2;
  }
  const missing = await exportToolsMissing();
  if (missing) throw new Error(`cannot export notebooks here: ${missing}`);
  const outDir = ((p.flags.out as string | undefined) ?? "results/notebooks").replace(
    /(.)\/+$/,
    "$1",
  );
  const preset = p.flags.preset as string | undefined;
  for (const src of p.positionals) {
    const execute = !p.flags.executed;
    if (execute) console.log(`running ${src}${preset ? ` (TRM_PRESET=${preset})` : ""}...`);
    const { notebook, html } = await exportNotebook(src, {
      outDir,
      execute,
      env: preset ? { TRM_PRESET: preset } : {},
    });
    console.log(`${execute ? `wrote ${notebook} and ` : "wrote "}${html}`);
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
