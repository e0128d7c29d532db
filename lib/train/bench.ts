/**
 * Timing a training step, counting its FLOPs, and running the PyTorch CPU
 * anchor (../shared/bench/trm_torch.py) for a side-by-side ratio.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Encoded } from "../data/batches.ts";
import { type ModelConfig, swigluWidth, totalLength } from "../model/config.ts";
import { answerLoss, bceWithLogits } from "../model/losses.ts";
import { noGrad } from "../model/nograd.ts";
import { Ema } from "./ema.ts";
import type { Trainer } from "./trainer.ts";

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

/**
 * GFLOP/s of a plain, untransposed 2-D matMul [m, k] x [k, n] on the active
 * backend. Only one element of the last product is read back: reading the
 * whole product each time took as long as computing it.
 */
export async function matMulGflops(m: number, k: number, n: number, reps = 10): Promise<number> {
  const a = tf.randomNormal([m, k]), b = tf.randomNormal([k, n]);
  const run = async (times: number) => {
    for (let i = 0; i < times; i++) {
      const c = tf.matMul(a, b);
      // Waiting on the last product waits on the ones queued before it (async backends).
      if (i === times - 1) {
        const corner = tf.slice(c, [0, 0], [1, 1]);
        await corner.data();
        corner.dispose();
      }
      c.dispose();
    }
  };
  await run(1);
  const t = performance.now();
  await run(reps);
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

/** One benchmarked shape: everything else is the anchor's (seq 81, n=6, T=3, 2 layers). */
export interface BenchShape {
  mixer: "mlp" | "attention";
  hidden: number;
  batch: number;
}

/**
 * The default shapes: each hidden size with both mixers, the anchor shape also
 * at a small batch, and batches that shrink as the width grows, so each step
 * costs about the same (a few seconds on 2 cores) and the set finishes in minutes.
 */
export const DEFAULT_SHAPES: readonly BenchShape[] = [
  { mixer: "mlp", hidden: 128, batch: 32 },
  { mixer: "mlp", hidden: 128, batch: 8 },
  { mixer: "attention", hidden: 128, batch: 32 },
  { mixer: "mlp", hidden: 256, batch: 16 },
  { mixer: "attention", hidden: 256, batch: 16 },
  { mixer: "mlp", hidden: 512, batch: 4 },
  { mixer: "attention", hidden: 512, batch: 4 },
];

/** `--grid`: every mixer x hidden {128, 256, 512} x batch {8, 16, 32} (long: about an hour on 2 cores). */
export function gridShapes(): BenchShape[] {
  const out: BenchShape[] = [];
  for (const mixer of ["mlp", "attention"] as const) {
    for (const hidden of [128, 256, 512]) {
      for (const batch of [8, 16, 32]) out.push({ mixer, hidden, batch });
    }
  }
  return out;
}

/**
 * Parses `--shapes`: comma-separated `mixer:hidden:batch` items, e.g.
 * `mlp:128:32,attention:256:16` (`attn` is accepted for attention).
 */
export function parseShapes(text: string): BenchShape[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (!items.length) throw new Error(`--shapes: no shape given in "${text}"`);
  return items.map((item) => {
    const [mixerText, hiddenText, batchText, ...rest] = item.split(":");
    const mixer = mixerText === "attn" ? "attention" : mixerText;
    const hidden = Number(hiddenText), batch = Number(batchText);
    if (
      rest.length || (mixer !== "mlp" && mixer !== "attention") ||
      !(Number.isInteger(hidden) && hidden > 0) || !(Number.isInteger(batch) && batch > 0)
    ) {
      throw new Error(
        `--shapes: "${item}" is not mixer:hidden:batch (mixer mlp or attention, positive integers), e.g. mlp:128:32`,
      );
    }
    return { mixer, hidden, batch };
  });
}

/** Seconds of each part of a training step, measured one by one with a data sync after each. */
export interface StepParts {
  /** The T-1 recursions without gradient. */
  noGrad: number;
  /** The recursion with gradient, its heads and the loss, forward only (tape off). */
  gradForward: number;
  /** The same under `tf.variableGrads`, minus gradForward: the backward pass and the tape. */
  backward: number;
  /** One AdamW/AdamATan2 update of the dense weights. */
  optimizer: number;
  /** One EMA update of the dense weights (the anchor has none: not part of the full step here). */
  ema: number;
}

/**
 * Seconds `fn` takes, including waiting for every tensor it returns (the
 * backends run asynchronously). Freeing what it returns is the caller's job.
 */
export async function timeSynced(fn: () => tf.Tensor[]): Promise<number> {
  const t0 = performance.now();
  const out = fn();
  await Promise.all(out.map((t) => t.data()));
  return (performance.now() - t0) / 1000;
}

/** The parts of one training step, each returning the tensors to wait for (owned by the runner). */
export interface PartsRunner {
  /** T-1 recursions off the tape from the current state; returns (y, z). */
  noGrad(): tf.Tensor[];
  /** Forward of the gradient recursion + heads + loss, tape off; returns the loss. */
  forward(): tf.Tensor[];
  /** The same under `tf.variableGrads`; returns the loss and the gradients. */
  forwardBackward(): tf.Tensor[];
  /** An optimiser update from the last gradients; returns the updated weights. */
  optimizer(): tf.Tensor[];
  /** An EMA update of the dense weights; returns the shadows. */
  ema(): tf.Tensor[];
  /** Frees everything the runner holds. */
  dispose(): void;
}

/**
 * Times each part `reps` times (after one untimed warm-up round) and keeps the
 * median. The parts of one step run one after the other, each followed by a
 * sync, so noGrad + gradForward + backward + optimizer is close to a full
 * step (plus a few syncs and the trainer's halting bookkeeping).
 */
export async function timeParts(run: PartsRunner, reps = 1): Promise<StepParts> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const keys = ["noGrad", "forward", "forwardBackward", "optimizer", "ema"] as const;
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<
    typeof keys[number],
    number[]
  >;
  for (let r = 0; r <= reps; r++) {
    for (const k of keys) {
      const sec = await timeSynced(() => run[k]());
      if (r > 0) times[k].push(sec);
    }
  }
  const fwd = median(times.forward);
  return {
    noGrad: median(times.noGrad),
    gradForward: fwd,
    backward: Math.max(0, median(times.forwardBackward) - fwd),
    optimizer: median(times.optimizer),
    ema: median(times.ema),
  };
}

/**
 * The parts of `trainer`'s step, run on its weights from its initial state
 * with its own loss (answer loss + halting BCE): the same work as
 * `trainer.trainStep()` split where a sync can go.
 */
export function trainerParts(trainer: Trainer, batch: Encoded): PartsRunner {
  const { model, weights, cfg } = trainer;
  const b = batch.count;
  const inputs = tf.tensor2d(batch.inputs, [b, cfg.model.seqLen], "int32");
  const labels = tf.tensor2d(batch.labels, [b, cfg.model.seqLen], "int32");
  const q = { inputs, puzzleIds: tf.zeros([b], "int32") as tf.Tensor1D };
  const start = model.initialState(weights, b);
  const dense = Object.fromEntries(trainer.dense.map((n) => [n, weights[n]!]));
  const ema = new Ema(dense, 0.999);
  const held: Record<string, tf.Tensor[]> = {};
  let grads: Record<string, tf.Tensor> = {};
  /** Frees what `key` returned last time, and remembers what it returns now. */
  const hold = (key: string, out: tf.Tensor[]) => {
    tf.dispose(held[key] ?? []);
    held[key] = out;
    return out;
  };
  const loss = () => {
    const x = model.embedQuestion(weights, q);
    const out = model.heads(weights, model.recursion(weights, x, start).y);
    const lm = tf.sum(answerLoss(out.logits, labels, cfg.train.loss));
    const halt = tf.sum(bceWithLogits(out.qHalt, tf.zerosLike(out.qHalt)));
    return tf.div(tf.add(lm, tf.mul(halt, cfg.train.haltLossWeight)), b) as tf.Scalar;
  };
  return {
    noGrad: () => {
      if (cfg.model.recursions < 2) return hold("noGrad", []);
      const s = tf.tidy(() => {
        const x = model.embedQuestion(weights, q);
        const r = model.recursionsWithoutGradient(weights, x, start, cfg.model.recursions - 1);
        return [r.y, r.z];
      });
      return hold("noGrad", s);
    },
    forward: () => hold("forward", [noGrad(() => tf.tidy(loss))]),
    forwardBackward: () => {
      tf.dispose(Object.values(grads));
      const r = tf.variableGrads(loss, Object.values(dense));
      grads = Object.fromEntries(trainer.dense.map((n) => [n, r.grads[dense[n]!.name]!]));
      return hold("forwardBackward", [r.value]).concat(Object.values(grads));
    },
    optimizer: () => {
      trainer.adam.apply(weights, grads, trainer.learningRate());
      return Object.values(dense);
    },
    ema: () => {
      ema.update(dense);
      return Object.values(ema.shadow);
    },
    dispose: () => {
      tf.dispose([...Object.values(held).flat(), ...Object.values(grads), inputs, labels]);
      tf.dispose([start.y, start.z, q.puzzleIds]);
      ema.dispose();
    },
  };
}

/** One line of the benchmark's results: a shape, the kit's numbers and the anchor's. */
export interface BenchRow {
  shape: BenchShape;
  /** What ran the matrix products: "xnnpack" (wasm's own), "openblas" (blas.ts), or the backend. */
  matmul: string;
  /** Tokens per step: batch x puzzle length. */
  tokens: number;
  step_s: number;
  tokens_per_s: number;
  gflops_per_s: number;
  /** GFLOP/s of the step's widest plain matMul on the same engine. */
  plain_matmul_gflops_per_s: number;
  /** gflops_per_s over XNNPACK's plain matMul at that size (null when XNNPACK was not timed). */
  vs_wasm_matmul: number | null;
  parts: StepParts;
  /** noGrad + gradForward + backward + optimizer: compare with step_s. */
  parts_sum_s: number;
  /** Peak bytes of live tensors during one step (tf.profile), weights and moments included. */
  peak_tensor_mb: number;
  /** Resident memory of the process after this shape (wasm heaps never shrink: a running maximum). */
  rss_mb: number;
  /** The faster PyTorch anchor's tokens/s, or null when it did not run. */
  torch_tokens_per_s: number | null;
  ratio: number | null;
  /** /proc/loadavg's 1-minute load when the shape started and ended (null off Linux). */
  load: [number | null, number | null];
}

/** The 1-minute load average, or null where /proc/loadavg does not exist. */
export function loadAverage(): number | null {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return null;
  }
}

/** A fixed-width table of rows, one line per shape, for the terminal and the README. */
export function formatBenchTable(rows: BenchRow[]): string {
  const head = [
    "mixer",
    "hidden",
    "batch",
    "matMul",
    "kit tok/s",
    "torch tok/s",
    "ratio",
    "GFLOP/s",
    "plain mm",
    "vs wasm mm",
    "step s",
    "noGrad",
    "fwd",
    "bwd",
    "opt",
    "sum",
    "ema",
    "peak MB",
    "RSS MB",
    "load",
  ];
  const f = (x: number | null, d: number) => (x === null ? "-" : x.toFixed(d));
  const body = rows.map((r) => [
    r.shape.mixer,
    String(r.shape.hidden),
    String(r.shape.batch),
    r.matmul,
    f(r.tokens_per_s, 0),
    f(r.torch_tokens_per_s, 0),
    f(r.ratio, 3),
    f(r.gflops_per_s, 1),
    f(r.plain_matmul_gflops_per_s, 1),
    f(r.vs_wasm_matmul, 2),
    f(r.step_s, 2),
    f(r.parts.noGrad, 2),
    f(r.parts.gradForward, 2),
    f(r.parts.backward, 2),
    f(r.parts.optimizer, 3),
    f(r.parts_sum_s, 2),
    f(r.parts.ema, 3),
    f(r.peak_tensor_mb, 0),
    f(r.rss_mb, 0),
    r.load.map((l) => f(l, 1)).join("-"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
