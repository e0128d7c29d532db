/**
 * Optional set-up of the `tensorflow` backend (libtensorflow through
 * @tensorflow/tfjs-node-gpu, or @tensorflow/tfjs-node with --cpu).
 *
 *   deno task setup:gpu          # CUDA 11.x + cuDNN 8 machine with internet
 *   deno task setup:gpu --cpu    # native CPU build, no GPU
 *
 * Its install script downloads libtensorflow (about 400 MB for the GPU build)
 * from Google's storage; set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI for
 * a mirror. The kit never needs this: wasm is the default backend.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runMain } from "@kit/run/mod.ts";

async function run(cmd: string[]): Promise<boolean> {
  console.log(`$ ${cmd.join(" ")}`);
  const p = await new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return p.success;
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { cpu: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log("usage: deno task setup:gpu [--cpu]");
    return 0;
  }
  const pkg = values.cpu ? "@tensorflow/tfjs-node" : "@tensorflow/tfjs-node-gpu";
  const deno = Deno.execPath();
  const ok = await run([deno, "add", `npm:${pkg}@4.22.0`]) &&
    await run([deno, "install", `--allow-scripts=npm:${pkg}`]);
  if (!ok) {
    console.error(
      `installing ${pkg} failed; it needs internet access to download libtensorflow (and CUDA for the GPU build)`,
    );
    return 1;
  }
  const check = await run([
    deno,
    "eval",
    `import { useBackend } from "@kit/backend/mod.ts"; console.log(await useBackend("tensorflow"));`,
  ]);
  if (!check) return 1;
  console.log("done: use --backend tensorflow or TRM_BACKEND=tensorflow");
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
