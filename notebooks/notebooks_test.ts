/**
 * Every notebook runs top to bottom at the `smoke` preset (TRM_PRESET=smoke),
 * executed headless by `jupyter nbconvert --execute` with Deno's kernel, as a
 * user would run it in JupyterLab. A failing cell fails its test.
 *
 * Needs Debian's `jupyter-nbconvert` + `python3-nbclient` and `deno jupyter
 * --install` (CI installs them, see .ci/run); without them the tests are
 * reported as ignored, not passed.
 */
import { assert } from "@kit/util/assert.ts";
import { runCommand } from "@kit/util/command.ts";
import { exportToolsMissing } from "@kit/report/export.ts";

const dir = new URL(".", import.meta.url).pathname;
const notebooks = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ipynb"))
  .sort();

const why = await exportToolsMissing();
if (why) console.warn(`notebook tests ignored: ${why}`);

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} runs top to bottom (TRM_PRESET=smoke)`,
    ignore: why !== "",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const out = await Deno.makeTempDir();
      const r = await runCommand("jupyter", [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.timeout=900",
        "--ExecutePreprocessor.kernel_name=deno",
        "--output-dir",
        out,
        `${dir}${name}`,
      ], { TRM_PRESET: "smoke", NO_COLOR: "1" });
      // nbconvert prints the failing cell and its error on stderr.
      assert(r.ok, `${name} failed:\n${r.err.split("\n").slice(-40).join("\n")}`);
      await Deno.remove(out, { recursive: true });
    },
  });
}
