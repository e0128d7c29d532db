/**
 * Training-step throughput and memory of the kit against the PyTorch CPU
 * anchor (../shared/bench/trm_torch.py), at several shapes: the anchor's step
 * (seq 81, n=6, T=3, 2 layers; hidden, mixer and batch vary) and the studies'
 * (`study`: the scarce regime's 6x6 Sudoku, seq 36 + 4 prefix, n=4, T=2,
 * hidden 64, batch 64, both mixers; experiments/bench/shapes.ts):
 *
 *   deno task bench [--steps 2] [--reps 1] [--threads N] [--json] [--out PATH]
 *   deno task bench --grid                      # hidden {128,256,512} x mixer x batch {8,16,32}
 *   deno task bench --shapes mlp:128:32,attention:256:16
 *   deno task bench --shapes study --threads 1  # the studies' shapes at their thread count
 *   deno task bench --hiddenSize 256 --batchSize 16 --mixer mlp   # one shape, as before
 *   deno task bench --memory                    # peak memory against T and N_sup
 *   deno task bench --stockLayers               # the readable layers (useBackend's layers: "readable")
 *   deno task bench --profile [--profileShapes] # time per kernel per step, sorted (bench/profile.ts)
 *
 * Per shape: the full step (mean of `--steps` after a warm-up), its parts timed
 * one by one with a sync after each (`--reps`, median), peak tensor bytes of a
 * step (tf.profile) and the process RSS, and the anchor run in the same
 * invocation with 1 thread and with the kit's thread count (the ratio is taken
 * against the faster). Prints a table (or JSON lines with `--json`) and writes
 * JSON lines to results/bench/<date>-<commit>.jsonl (`--out ""`: nowhere).
 *
 * `--profile` times every kernel of `--steps` training steps instead (after a
 * warm-up step; default shapes: the anchor's and the MLP study's), one table
 * per shape and matMul engine, slowest kernel first, with the time outside the
 * kernels as its own row; `--profileShapes` splits each kernel by its input
 * shapes. JSON lines go to results/bench/<date>-<commit>-profile.jsonl.
 *
 * To match the anchor the kit runs with AdamW, softmax cross-entropy and no
 * EMA in the full step (EMA is timed as a part), and without the puzzle prefix
 * at the anchor's shapes; at the study shapes it keeps the studies' prefix and
 * the anchor runs the same sequence length (bench/shapes.ts, `shapeConfig`).
 * The parts are scored with the trainer's own loss (lib/train/loss.ts). The
 * pieces live in experiments/bench/.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendInfo, BLAS_MODES, type BlasMode, useBackend } from "@kit/backend/mod.ts";
import { Sampler } from "@kit/data/mod.ts";
import { swigluWidth, totalLength } from "@kit/model/mod.ts";
import { codeVersion, parseCommandLine, resolveConfig, runMain } from "@kit/run/mod.ts";
import { measureEvalBytes, measureStepBytes } from "@kit/train/mod.ts";
import { torchAnchor } from "./bench/anchor.ts";
import { matMulGflops, stepFlops } from "./bench/flops.ts";
import { timeParts, trainerParts } from "./bench/parts.ts";
import { formatProfile, profileSteps } from "./bench/profile.ts";
import {
  ANCHOR,
  type BenchShape,
  DEFAULT_SHAPES,
  gridShapes,
  parseShapes,
  PROFILE_SHAPES,
  shapeConfig,
  shapeLabel,
  STUDY_SHAPES,
} from "./bench/shapes.ts";
import { shapeStep } from "./bench/step.ts";
import { type BenchRow, formatBenchTable, loadAverage } from "./bench/table.ts";

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
  profile: "boolean",
  profileShapes: "boolean",
  help: "boolean",
} as const;
const USAGE =
  "usage: deno task bench [--steps N (2)] [--reps N (1)] [--threads N (0: one per core)] [--json] [--out PATH]\n" +
  "                       [--grid | --shapes [study:]mixer:hidden:batch|study|default,... |\n" +
  "                        --hiddenSize N --batchSize N --mixer mlp|attention]\n" +
  "                       [--anchor PATH ('' skips PyTorch)] [--backend wasm|cpu|webgpu] [--stockLayers]\n" +
  "                       [--blas both|auto|on|off (both: every shape on XNNPACK and on OpenBLAS)] [--native auto|on|off]\n" +
  "       deno task bench --memory\n" +
  "       deno task bench --profile [--profileShapes] [--steps N] [--shapes ...] [--json] [--out PATH]";

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
  const layers = p.flags.stockLayers ? "readable" : "fast";
  const steps = positive(p.flags.steps, 2, "--steps");
  const reps = positive(p.flags.reps, 1, "--reps");
  const { hiddenSize, batchSize, mixer, ...rest } = p.overrides;
  const profile = Boolean(p.flags.profile || p.flags.profileShapes);
  let shapes: readonly BenchShape[] = profile ? PROFILE_SHAPES : DEFAULT_SHAPES;
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
    useBackend(cfg0.run.backend, {
      threads: cfg0.run.threads,
      blas,
      native: cfg0.run.native,
      layers,
    });
  const backend = await start(engines[0]!);
  const anchorPath = (p.flags.anchor as string | undefined) ??
    new URL("../../shared/bench/trm_torch.py", import.meta.url).pathname;
  const version = await codeVersion();
  const outPath = (p.flags.out as string | undefined) ??
    defaultOutPath(version, profile ? "-profile" : "");
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
    ...(profile ? { profile: p.flags.profileShapes ? "kernel and shapes" : "kernel" } : {}),
    command: `deno task bench ${args.join(" ")}`.trim(),
    load_start: loadAverage(),
  };
  const lines: unknown[] = [meta];
  if (p.flags.json) console.log(JSON.stringify(meta));
  else {
    console.log(
      `training step (${describeBases(shapes, rest)}); kit on ${backend.name} ` +
        `(${backend.threads} thread(s)); load average at start ${meta.load_start ?? "?"}`,
    );
  }
  if (profile) {
    for (const shape of shapes) {
      for (const engine of engines) {
        let info: BackendInfo;
        try {
          info = await start(engine);
        } catch (e) {
          console.log(
            `  ${engine === "on" ? "OpenBLAS" : engine}: skipped, ${(e as Error).message}`,
          );
          continue;
        }
        const line = await profileShape(shape, rest, info, {
          steps,
          byShape: Boolean(p.flags.profileShapes),
        });
        lines.push(line);
        if (p.flags.json) console.log(JSON.stringify(line));
        else {
          console.log(`\n${shapeLabel(shape)}, matMul on ${line.matmul}, ${steps} step(s):`);
          console.log(formatProfile(line.profile));
        }
      }
    }
    await writeLines(outPath, lines, !p.flags.json);
    return 0;
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
          `  ${shapeLabel(shape)}, matMul on ${r.matmul}: ` +
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
  await writeLines(outPath, lines, !p.flags.json);
  return 0;
}

/** What ran the products ("openblas", "xnnpack", the backend), "+native" where SwiGLU ran natively. */
function engineLabel(backend: BackendInfo): string {
  const products = backend.blas ? "openblas" : backend.name === "wasm" ? "xnnpack" : backend.name;
  return backend.native ? `${products}+native` : products;
}

/** Writes JSON lines to `outPath` (relative to the working directory; "" writes nothing). */
async function writeLines(outPath: string, lines: unknown[], say: boolean): Promise<void> {
  if (!outPath) return;
  await Deno.mkdir(new URL(".", `file://${Deno.realPathSync(".")}/${outPath}`), {
    recursive: true,
  });
  // Appended: a second run at the same commit and day keeps the first.
  await Deno.writeTextFile(outPath, lines.map((l) => JSON.stringify(l)).join("\n") + "\n", {
    append: true,
  });
  if (say) console.log(`results written to ${outPath}`);
}

/** results/bench/<yyyy-mm-dd>-<commit><suffix>.jsonl, relative to the working directory. */
function defaultOutPath(version: string, suffix = ""): string {
  const date = new Date().toISOString().slice(0, 10);
  return `results/bench/${date}-${version.replace("+", "-")}${suffix}.jsonl`;
}

/** What the step is at each base among `shapes`, for the header line. */
function describeBases(shapes: readonly BenchShape[], overrides: Record<string, string>): string {
  const bases = [...new Set(shapes.map((s) => s.base ?? "anchor"))];
  return bases.map((base) => {
    const shape = base === "study" ? STUDY_SHAPES[0]! : { ...DEFAULT_SHAPES[0]!, base };
    const m = shapeConfig(shape, overrides).model;
    const prefix = m.puzzlePrefix ? ` + ${m.puzzlePrefix} prefix` : "";
    return `${base}: seq ${m.seqLen}${prefix}, n=${m.latentSteps}, T=${m.recursions}, ` +
      `N_sup=${m.supervisionSteps} (one step timed), ${m.layers} layers`;
  }).join("; ");
}

function positive(text: unknown, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) {
    throw new Error(`${flag} must be a positive integer, got "${text}"`);
  }
  return n;
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
  // The anchor has no puzzle prefix: it runs the same sequence length (prefix + puzzle), and
  // its tokens/s are counted in puzzle tokens, as the kit's are, so the ratio is one of step times.
  const seq = totalLength(m);
  let why = "";
  if (!opts.anchorPath) return { best: null, torch, why: "skipped (--anchor '')" };
  for (const threads of [...new Set([1, backend.threads])]) {
    const a = await torchAnchor(opts.anchorPath, {
      hidden: m.hiddenSize,
      batch: shape.batch,
      seq,
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
  const best = torch.length
    ? +Math.max(...torch.map((a) => Number(a.tokens_per_s) * m.seqLen / seq)).toFixed(1)
    : null;
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
  const { trainer, puzzles, step } = shapeStep(cfg);
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
    matmul: engineLabel(backend),
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

/** Per-kernel profile of `opts.steps` training steps at one shape, after a warm-up step. */
async function profileShape(
  shape: BenchShape,
  overrides: Record<string, string>,
  backend: BackendInfo,
  opts: { steps: number; byShape: boolean },
) {
  const run = shapeStep(shapeConfig(shape, overrides));
  try {
    await run.step(); // warm-up: allocates the optimiser's moments, compiles the kernels
    const loadStart = loadAverage();
    const profile = await profileSteps(run.step, opts.steps, { byShape: opts.byShape });
    return {
      kind: "profile",
      shape,
      matmul: engineLabel(backend),
      threads: backend.threads,
      load: [loadStart, loadAverage()],
      profile,
    };
  } finally {
    run.dispose();
  }
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
    native: cfg0.run.native,
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
