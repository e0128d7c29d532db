/**
 * Timing a training step, counting its FLOPs, and running the PyTorch CPU
 * anchor (../shared/bench/trm_torch.py) for a side-by-side ratio.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type ModelConfig, swigluWidth, totalLength } from "../model/config.ts";

/** Matrix-multiply FLOPs of one application of the tiny network on a batch. */
export function netFlops(cfg: ModelConfig, batch: number): number {
  const l = totalLength(cfg), d = cfg.hiddenSize;
  const ic = swigluWidth(d, cfg.expansion);
  const channel = 2 * batch * l * d * 3 * ic; // gate_up (d -> 2ic) + down (ic -> d)
  let mixer: number;
  if (cfg.mixer === "mlp") {
    const it = swigluWidth(l, cfg.expansion);
    mixer = 2 * batch * d * l * 3 * it;
  } else {
    mixer = 2 * batch * l * d * 4 * d + 4 * batch * l * l * d; // qkv + out, scores + context
  }
  return cfg.layers * (channel + mixer);
}

/**
 * FLOPs of one training step (one supervision step): T recursions of n+1
 * network applications forward, and the backward of the last recursion
 * (about twice its forward). Embedding and heads are negligible.
 */
export function stepFlops(cfg: ModelConfig, batch: number): number {
  const recursion = (cfg.latentSteps + 1) * netFlops(cfg, batch);
  return cfg.recursions * recursion + 2 * recursion;
}

/** GFLOP/s of a plain, untransposed 2-D matMul [m, k] x [k, n] on the active backend. */
export async function matMulGflops(m: number, k: number, n: number, reps = 10): Promise<number> {
  const a = tf.randomNormal([m, k]), b = tf.randomNormal([k, n]);
  const run = async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  };
  await run();
  const t = performance.now();
  for (let i = 0; i < reps; i++) await run();
  const sec = (performance.now() - t) / 1000 / reps;
  tf.dispose([a, b]);
  return (2 * m * k * n) / sec / 1e9;
}

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
