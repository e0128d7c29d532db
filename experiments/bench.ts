/**
 * Training-step throughput of the kit against the PyTorch CPU anchor, at the
 * anchor's shape (seq 81, hidden 128, batch 32, n=6, T=3, mlp mixer, 2 layers):
 *
 *   deno task bench [--json] [--steps 5] [--threads 1] [--hiddenSize 256 --batchSize 16 ...]
 *
 * `--threads` sets the kit's wasm threads (default: one per core); the anchor gets as many.
 *
 * To match the anchor exactly the kit runs here without the puzzle prefix,
 * with AdamW, softmax cross-entropy and no EMA (the anchor has none of them).
 *
 * @module
 */
import { Sampler } from "@kit/data/batches.ts";
import { generateSudokuSet } from "@kit/data/sudoku.ts";
import { parseCommandLine, runMain } from "@kit/run/cli.ts";
import { resolveConfig } from "@kit/run/config.ts";
import { useBackend } from "@kit/train/backend.ts";
import { matMulGflops, stepFlops, torchAnchor } from "@kit/train/bench.ts";
import { measureEvalBytes, measureStepBytes } from "@kit/train/memory.ts";
import { Trainer } from "@kit/train/trainer.ts";
import { Prng } from "@kit/util/prng.ts";
import { swigluWidth, totalLength } from "@kit/model/config.ts";

const FLAGS = {
  json: "boolean",
  steps: "string",
  anchor: "string",
  memory: "boolean",
  help: "boolean",
} as const;
const ANCHOR = {
  hiddenSize: 128,
  batchSize: 32,
  latentSteps: 6,
  recursions: 3,
  mixer: "mlp",
  layers: 2,
};

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log(
      "usage: deno task bench [--json] [--steps N] [--threads N (0: one per core)] [--anchor PATH] [--hiddenSize N --batchSize N --mixer mlp|attention ...]",
    );
    return 0;
  }
  if (p.flags.memory) return await memoryTable(p.overrides, Boolean(p.flags.json));
  const steps = Number(p.flags.steps ?? 5);
  const cfg = resolveConfig("paper", {
    ...ANCHOR,
    puzzlePrefix: 0,
    optimizer: "adamw",
    loss: "softmax",
    ema: false,
    warmupSteps: 0,
    haltExploration: 0,
    ...p.overrides,
  });
  const backend = await useBackend(cfg.run.backend, { threads: cfg.run.threads });
  const m = cfg.model, b = cfg.train.batchSize;
  const puzzles = generateSudokuSet(Math.max(64, b), { size: 9, blanks: 50, prng: new Prng(0) });
  const trainer = new Trainer(cfg, new Sampler(puzzles, { augment: false, seed: 0 }));
  const step = async () => {
    const r = trainer.trainStep();
    await r.data(); // wait for the step, as the anchor's .backward()/.step() do
    r.dispose();
  };
  await step(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const stepSec = (performance.now() - t0) / 1000 / steps;
  trainer.dispose();
  const tokens = b * m.seqLen;
  const flops = stepFlops(m, b);
  // Reference point: the widest plain matMul of the step, which runs on wasm's fast path.
  const l = totalLength(m), ic = swigluWidth(m.hiddenSize, m.expansion);
  const plain = await matMulGflops(b * l, m.hiddenSize, 2 * ic);
  const kit = {
    impl: `trm-kit-${backend.name}`,
    threads: backend.threads,
    mixer: m.mixer,
    hidden: m.hiddenSize,
    batch: b,
    seq: m.seqLen,
    n: m.latentSteps,
    T: m.recursions,
    step_s: +stepSec.toFixed(4),
    tokens_per_s: +(tokens / stepSec).toFixed(1),
    gflops_per_s: +(flops / stepSec / 1e9).toFixed(2),
    plain_matmul_gflops_per_s: +plain.toFixed(2),
  };
  const anchorPath = (p.flags.anchor as string | undefined) ??
    new URL("../../shared/bench/trm_torch.py", import.meta.url).pathname;
  // The anchor runs with 1 thread and with the kit's thread count; the ratio is
  // taken against the faster of the two (on the build machine torch 1.13 was
  // slower with 2 threads than with 1 at this shape).
  const threadCounts = [...new Set([1, backend.threads])];
  const anchors: Record<string, unknown>[] = [];
  let why = "";
  for (const threads of threadCounts) {
    const a = await torchAnchor(anchorPath, {
      hidden: m.hiddenSize,
      batch: b,
      seq: m.seqLen,
      n: m.latentSteps,
      T: m.recursions,
      layers: m.layers,
      heads: m.heads,
      mixer: m.mixer === "mlp" ? "mlp" : "attn",
      steps,
      threads,
    });
    if (a.ok) anchors.push(a.result);
    else why = a.reason;
  }
  const best = Math.max(0, ...anchors.map((a) => Number(a.tokens_per_s)));
  const ratio = best > 0 ? +(kit.tokens_per_s / best).toFixed(3) : null;
  if (p.flags.json) {
    console.log(JSON.stringify({ kit, torch: anchors.length ? anchors : { error: why }, ratio }));
  } else {
    console.log(
      `training step at seq ${m.seqLen}, hidden ${m.hiddenSize}, batch ${b}, n=${m.latentSteps}, T=${m.recursions}, ${m.mixer} mixer`,
    );
    console.log(
      `  kit (${backend.name}, ${backend.threads} thread(s)): ${kit.tokens_per_s} tokens/s, ${kit.step_s} s/step, ${kit.gflops_per_s} GFLOP/s (plain matMul ${kit.plain_matmul_gflops_per_s} GFLOP/s)`,
    );
    for (const a of anchors) {
      console.log(`  pytorch (${a.threads} thread(s)): ${a.tokens_per_s} tokens/s`);
    }
    if (!anchors.length) console.log(`  pytorch anchor not run: ${why}`);
    if (ratio !== null) console.log(`  ratio to the faster anchor: ${ratio}`);
  }
  return 0;
}

/**
 * Peak tensor memory of a training step at T = 1..6 and of an evaluation at
 * N_sup = 1..16, at the anchor shape: both should be flat (only the last
 * recursion keeps activations; supervision steps are tidied one by one).
 */
async function memoryTable(overrides: Record<string, string>, json: boolean): Promise<number> {
  const base = { ...ANCHOR, puzzlePrefix: 0, ...overrides };
  const cfg0 = resolveConfig("paper", base);
  await useBackend(cfg0.run.backend, { threads: cfg0.run.threads });
  const rows: Record<string, number | string>[] = [];
  for (const T of [1, 2, 3, 4, 5, 6]) {
    const cfg = resolveConfig("paper", { ...base, recursions: T });
    rows.push({
      what: "train step",
      T,
      nsup: cfg.model.supervisionSteps,
      peakMB: +((await measureStepBytes(cfg, cfg.train.batchSize)) / 2 ** 20).toFixed(1),
    });
  }
  for (const nsup of [1, 2, 4, 8, 16]) {
    const cfg = resolveConfig("paper", { ...base, supervisionSteps: nsup });
    rows.push({
      what: "evaluation",
      T: cfg.model.recursions,
      nsup,
      peakMB: +((await measureEvalBytes(cfg, cfg.train.batchSize)) / 2 ** 20).toFixed(1),
    });
  }
  for (const r of rows) {
    console.log(
      json
        ? JSON.stringify(r)
        : `${String(r.what).padEnd(11)} T=${r.T} N_sup=${
          String(r.nsup).padEnd(2)
        } peak ${r.peakMB} MB`,
    );
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
