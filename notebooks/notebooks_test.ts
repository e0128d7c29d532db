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

const dir = new URL(".", import.meta.url).pathname;
const notebooks = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".ipynb"))
  .sort();

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder();
    return { ok: out.success, out: text.decode(out.stdout), err: text.decode(out.stderr) };
  } catch (e) {
    return { ok: false, out: "", err: String(e) };
  }
}

/** Why notebooks cannot run here, or "" when they can. */
async function missing(): Promise<string> {
  const nb = await run("jupyter", ["nbconvert", "--version"]);
  if (!nb.ok) {
    return "jupyter nbconvert not found (apt-get install -y jupyter-nbconvert python3-nbclient)";
  }
  // Debian's jupyter has no `kernelspec` subcommand; ask jupyter_client directly.
  const specs = await run("/usr/bin/python3", [
    "-c",
    "from jupyter_client.kernelspec import KernelSpecManager as K; print(*K().find_kernel_specs())",
  ]);
  if (!specs.out.split(/\s+/).includes("deno")) {
    return "Deno's kernel is not installed (deno jupyter --install)";
  }
  return "";
}

const why = await missing();
if (why) console.warn(`notebook tests ignored: ${why}`);

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} runs top to bottom (TRM_PRESET=smoke)`,
    ignore: why !== "",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const out = await Deno.makeTempDir();
      const r = await run("jupyter", [
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
