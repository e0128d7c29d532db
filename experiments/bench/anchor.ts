/**
 * The PyTorch CPU anchor (../shared/bench/trm_torch.py), run beside the kit
 * for a side-by-side ratio where python3 has torch.
 *
 * @module
 */

/** What the PyTorch anchor printed, or why it did not run. */
export type AnchorResult = { ok: true; result: Record<string, unknown> } | {
  ok: false;
  reason: string;
};

/** Runs ../shared/bench/trm_torch.py with the given arguments, if python3 has torch. */
export async function torchAnchor(
  script: string,
  args: Record<string, string | number>,
): Promise<AnchorResult> {
  try {
    await Deno.stat(script);
  } catch {
    return { ok: false, reason: `anchor script not found at ${script}` };
  }
  const argv = [script, ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)])];
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = await new Deno.Command(python, { args: argv, stdout: "piped", stderr: "piped" })
        .output();
      const text = new TextDecoder().decode(out.stdout).trim();
      if (out.success && text) return { ok: true, result: JSON.parse(text.split("\n").pop()!) };
      const err = new TextDecoder().decode(out.stderr);
      if (err.includes("No module named 'torch'")) continue;
      return { ok: false, reason: err.trim().split("\n").pop() ?? "failed" };
    } catch {
      continue;
    }
  }
  return { ok: false, reason: "python3 with torch not found (apt-get install -y python3-torch)" };
}
