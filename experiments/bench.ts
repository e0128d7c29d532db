/**
 * Training-step throughput and memory of the kit against the PyTorch CPU
 * anchor (../shared/bench/trm_torch.py), at several shapes (seq 81, n=6, T=3,
 * 2 layers; hidden, mixer and batch vary):
 *
 *   deno task bench [--steps 2] [--reps 1] [--threads N] [--json] [--out PATH]
 *   deno task bench --grid                      # hidden {128,256,512} x mixer x batch {8,16,32}
 *   deno task bench --shapes mlp:128:32,attention:256:16
 *   deno task bench --hiddenSize 256 --batchSize 16 --mixer mlp   # one shape, as before
 *   deno task bench --memory                    # peak memory against T and N_sup
 *   deno task bench --stockLayers               # the readable layers (setFastLayers(false))
 *
 * Per shape: the full step (mean of `--steps` after a warm-up), its parts timed
 * one by one with a sync after each (`--reps`, median), peak tensor bytes of a
 * step (tf.profile) and the process RSS, and the anchor run in the same
 * invocation with 1 thread and with the kit's thread count (the ratio is taken
 * against the faster). Prints a table (or JSON lines with `--json`) and writes
 * JSON lines to results/bench/<date>-<commit>.jsonl (`--out ""`: nowhere).
 *
 * To match the anchor the kit runs without the puzzle prefix, with AdamW,
 * softmax cross-entropy and no EMA in the full step (EMA is timed as a part).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { generateSudokuSet, Sampler } from "@kit/data/mod.ts";
import { setFastLayers, swigluWidth, totalLength } from "@kit/model/mod.ts";
import { codeVersion, parseCommandLine, resolveConfig, runMain } from "@kit/run/mod.ts";
import {
  type BackendInfo,
  BLAS_MODES,
  type BlasMode,
  measureEvalBytes,
  measureStepBytes,
  Trainer,
  useBackend,
} from "@kit/train/mod.ts";
import { Prng } from "@kit/util/mod.ts";
import {
  type BenchRow,
  type BenchShape,
  DEFAULT_SHAPES,
  formatBenchTable,
  gridShapes,
  loadAverage,
  matMulGflops,
  parseShapes,
  stepFlops,
  timeParts,
  torchAnchor,
  trainerParts,
} from "@kit/train/bench.ts";

const FLAGS = {
  json: "boolean",
  steps: "string",
  reps: "string",
  anchor: "string",
  memory: "boolean",
  grid: "boolean",
  shapes: "string",
  out: "string",
  stockLayers: "boolean",
  blas: "string",
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
const USAGE =
  "usage: deno task bench [--steps N (2)] [--reps N (1)] [--threads N (0: one per core)] [--json] [--out PATH]\n" +
  "                       [--grid | --shapes mixer:hidden:batch,... | --hiddenSize N --batchSize N --mixer mlp|attention]\n" +
  "                       [--anchor PATH ('' skips PyTorch)] [--backend wasm|cpu|webgpu] [--stockLayers]\n" +
  "                       [--blas both|auto|on|off (both: every shape on XNNPACK and on OpenBLAS)]\n" +
  "       deno task bench --memory";

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log(USAGE);
    return 0;
  }
  const blasFlag = (p.flags.blas as string | undefined) ?? "both";
  if (![...BLAS_MODES, "both"].includes(blasFlag)) {
    throw new Error(`--blas must be one of both, ${BLAS_MODES.join(", ")}; got "${blasFlag}"`);
  }
  if (p.flags.memory) {
    const blas = blasFlag === "both" ? "auto" : blasFlag as BlasMode;
    return await memoryTable(p.overrides, blas, Boolean(p.flags.json));
  }
  // The readable layers instead of their faster equivalents: before/after timings side by side.
  if (p.flags.stockLayers) setFastLayers(false);
  const steps = positive(p.flags.steps, 2, "--steps");
  const reps = positive(p.flags.reps, 1, "--reps");
  const { hiddenSize, batchSize, mixer, ...rest } = p.overrides;
  let shapes: readonly BenchShape[] = DEFAULT_SHAPES;
  if (typeof p.flags.shapes === "string") shapes = parseShapes(p.flags.shapes);
  else if (p.flags.grid) shapes = gridShapes();
  else if (hiddenSize ?? batchSize ?? mixer) {
    const c = resolveConfig("paper", { ...ANCHOR, ...p.overrides }).model;
    shapes = [{
      mixer: c.mixer as BenchShape["mixer"],
      hidden: c.hiddenSize,
      batch: Number(batchSize ?? ANCHOR.batchSize),
    }];
  }
  const cfg0 = resolveConfig("paper", { ...ANCHOR, ...rest });
  // Where the kit runs on wasm, "both" times each shape with XNNPACK's and with OpenBLAS's products.
  const engines: BlasMode[] = cfg0.run.backend !== "wasm"
    ? ["off"]
    : blasFlag === "both"
    ? ["off", "on"]
    : [blasFlag as BlasMode];
  const start = (blas: BlasMode) =>
    useBackend(cfg0.run.backend, { threads: cfg0.run.threads, blas });
  const backend = await start(engines[0]!);
  const anchorPath = (p.flags.anchor as string | undefined) ??
    new URL("../../shared/bench/trm_torch.py", import.meta.url).pathname;
  const version = await codeVersion();
  const outPath = (p.flags.out as string | undefined) ?? defaultOutPath(version);
  const meta = {
    kind: "meta",
    date: new Date().toISOString(),
    code: version,
    deno: Deno.version.deno,
    backend: backend.name,
    threads: backend.threads,
    tfjs: backend.tfjsVersion,
    steps,
    reps,
    fast_layers: !p.flags.stockLayers,
    command: `deno task bench ${args.join(" ")}`.trim(),
    load_start: loadAverage(),
  };
  const lines: unknown[] = [meta];
  if (p.flags.json) console.log(JSON.stringify(meta));
  else {
    console.log(
      `training step at seq 81, n=6, T=3, 2 layers; kit on ${backend.name} (${backend.threads} thread(s)); ` +
        `load average at start ${meta.load_start ?? "?"}`,
    );
  }
  const rows: BenchRow[] = [];
  for (const shape of shapes) {
    const anchor = await runAnchor(shape, rest, backend, { steps, anchorPath });
    let xnnpackPlain: number | undefined;
    for (const engine of engines) {
      let info: BackendInfo;
      try {
        info = await start(engine);
      } catch (e) {
        console.log(`  ${engine === "on" ? "OpenBLAS" : engine}: skipped, ${(e as Error).message}`);
        continue;
      }
      const row = await benchShape(shape, rest, info, anchor, { steps, reps });
      if (!info.blas) xnnpackPlain = row.plain;
      // The yardstick: the step's GFLOP/s against wasm's own (XNNPACK) plain matMul.
      row.row.vs_wasm_matmul = xnnpackPlain
        ? +(row.row.gflops_per_s / xnnpackPlain).toFixed(3)
        : null;
      rows.push(row.row);
      lines.push({ kind: "shape", ...row.row, torch: anchor.torch });
      if (p.flags.json) console.log(JSON.stringify(lines.at(-1)));
      else {
        const r = row.row;
        console.log(
          `  ${shape.mixer} hidden ${shape.hidden} batch ${shape.batch}, matMul on ${r.matmul}: ` +
            `${r.tokens_per_s} tokens/s, ratio ${r.ratio ?? "-"} (${
              anchor.why || "anchor ran"
            }), ` +
            `load ${r.load.join("-")}`,
        );
      }
    }
  }
  if (!p.flags.json) {
    console.log("");
    console.log(formatBenchTable(rows));
    console.log(
      "\nparts (s): noGrad = T-1 recursions without gradient; fwd = forward of the gradient recursion, " +
        "heads and loss; bwd = variableGrads of it minus fwd; opt = AdamW; sum = noGrad+fwd+bwd+opt " +
        "(compare with step s); ema is not in the step here (the anchor has none).",
    );
  }
  if (outPath) {
    await Deno.mkdir(new URL(".", `file://${Deno.realPathSync(".")}/${outPath}`), {
      recursive: true,
    });
    await Deno.writeTextFile(outPath, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    if (!p.flags.json) console.log(`results written to ${outPath}`);
  }
  return 0;
}

/** results/bench/<yyyy-mm-dd>-<commit>.jsonl, relative to the working directory. */
function defaultOutPath(version: string): string {
  const date = new Date().toISOString().slice(0, 10);
  return `results/bench/${date}-${version.replace("+", "-")}.jsonl`;
}

function positive(text: unknown, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) {
    throw new Error(`${flag} must be a positive integer, got "${text}"`);
  }
  return n;
}

/** The config the kit runs a shape at: the anchor's step (no prefix, AdamW, softmax, no EMA). */
function shapeConfig(shape: BenchShape, overrides: Record<string, string>) {
  return resolveConfig("paper", {
    ...ANCHOR,
    puzzlePrefix: 0,
    optimizer: "adamw",
    loss: "softmax",
    ema: false,
    warmupSteps: 0,
    haltExploration: 0,
    ...overrides,
    hiddenSize: shape.hidden,
    batchSize: shape.batch,
    mixer: shape.mixer,
  });
}

/** The PyTorch anchor at one shape, with 1 thread and with the kit's count; the faster counts. */
async function runAnchor(
  shape: BenchShape,
  overrides: Record<string, string>,
  backend: BackendInfo,
  opts: { steps: number; anchorPath: string },
): Promise<{ best: number | null; torch: Record<string, unknown>[]; why: string }> {
  const m = shapeConfig(shape, overrides).model;
  const torch: Record<string, unknown>[] = [];
  let why = "";
  if (!opts.anchorPath) return { best: null, torch, why: "skipped (--anchor '')" };
  for (const threads of [...new Set([1, backend.threads])]) {
    const a = await torchAnchor(opts.anchorPath, {
      hidden: m.hiddenSize,
      batch: shape.batch,
      seq: m.seqLen,
      n: m.latentSteps,
      T: m.recursions,
      layers: m.layers,
      heads: m.heads,
      mixer: m.mixer === "mlp" ? "mlp" : "attn",
      steps: opts.steps,
      threads,
    });
    if (a.ok) torch.push(a.result);
    else why = a.reason;
  }
  const best = torch.length ? Math.max(...torch.map((a) => Number(a.tokens_per_s))) : null;
  return { best, torch, why };
}

/** Full step, parts and memory of the kit at one shape, on the active backend and matMul engine. */
async function benchShape(
  shape: BenchShape,
  overrides: Record<string, string>,
  backend: BackendInfo,
  anchor: { best: number | null },
  opts: { steps: number; reps: number },
): Promise<{ row: BenchRow; plain: number }> {
  const loadStart = loadAverage();
  const cfg = shapeConfig(shape, overrides);
  const m = cfg.model, b = shape.batch;
  const puzzles = generateSudokuSet(Math.max(64, b), { size: 9, blanks: 50, prng: new Prng(0) });
  const sampler = new Sampler(puzzles, { augment: false, seed: 0 });
  const trainer = new Trainer(cfg, sampler);
  const step = async () => {
    const r = trainer.trainStep();
    await r.data(); // wait for the step, as the anchor's .backward()/.step() do
    r.dispose();
  };
  let stepSec: number, peak: number;
  let parts;
  try {
    await step(); // warm-up: also allocates the optimiser's moments
    const t0 = performance.now();
    for (let i = 0; i < opts.steps; i++) await step();
    stepSec = (performance.now() - t0) / 1000 / opts.steps;
    const runner = trainerParts(trainer, new Sampler(puzzles, { augment: false, seed: 1 }).next(b));
    try {
      parts = await timeParts(runner, opts.reps);
    } finally {
      runner.dispose();
    }
    // Peak of live tensors during one step, weights and moments included (profiling syncs each kernel: untimed).
    peak = (await tf.profile(async () => await step())).peakBytes;
  } finally {
    trainer.dispose();
  }
  const rss = Deno.memoryUsage().rss;
  const tokens = b * m.seqLen;
  // Reference point: the widest plain matMul of the step, on the engine in use.
  const plain = await matMulGflops(
    b * totalLength(m),
    m.hiddenSize,
    2 * swigluWidth(m.hiddenSize, m.expansion),
    5,
  );
  const tokensPerSec = tokens / stepSec;
  const gflops = stepFlops(m, b) / stepSec / 1e9;
  const r3 = (x: number) => +x.toFixed(4);
  const row: BenchRow = {
    shape,
    matmul: backend.blas ? "openblas" : backend.name === "wasm" ? "xnnpack" : backend.name,
    tokens,
    step_s: r3(stepSec),
    tokens_per_s: +tokensPerSec.toFixed(1),
    gflops_per_s: +gflops.toFixed(2),
    plain_matmul_gflops_per_s: +plain.toFixed(2),
    vs_wasm_matmul: null,
    parts: {
      noGrad: r3(parts.noGrad),
      gradForward: r3(parts.gradForward),
      backward: r3(parts.backward),
      optimizer: r3(parts.optimizer),
      ema: r3(parts.ema),
    },
    parts_sum_s: r3(parts.noGrad + parts.gradForward + parts.backward + parts.optimizer),
    peak_tensor_mb: +(peak / 2 ** 20).toFixed(1),
    rss_mb: +(rss / 2 ** 20).toFixed(0),
    torch_tokens_per_s: anchor.best,
    ratio: anchor.best ? +(tokensPerSec / anchor.best).toFixed(3) : null,
    load: [loadStart, loadAverage()],
  };
  return { row, plain };
}

/**
 * Peak tensor memory of a training step at T = 1..6 and of an evaluation at
 * N_sup = 1..16, at the anchor shape: both should be flat (only the last
 * recursion keeps activations; supervision steps are tidied one by one).
 */
async function memoryTable(
  overrides: Record<string, string>,
  blas: BlasMode,
  json: boolean,
): Promise<number> {
  const base = { ...ANCHOR, puzzlePrefix: 0, ...overrides };
  const cfg0 = resolveConfig("paper", base);
  await useBackend(cfg0.run.backend, {
    threads: cfg0.run.threads,
    blas,
  });
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
