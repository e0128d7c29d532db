import * as tf from "@tensorflow/tfjs-core";
import { Sampler } from "../data/batches.ts";
import { generateSudokuSet } from "../data/sudoku.ts";
import { resolveConfig } from "../run/config.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { useBackend } from "./backend.ts";
import {
  type BenchRow,
  formatBenchTable,
  gridShapes,
  netFlops,
  parseShapes,
  type PartsRunner,
  stepFlops,
  timeParts,
  trainerParts,
} from "./bench.ts";
import { Trainer } from "./trainer.ts";

await useBackend("wasm");

const model = (o: Record<string, unknown>) =>
  resolveConfig("paper", { puzzlePrefix: 0, layers: 2, latentSteps: 6, recursions: 3, ...o })
    .model;

Deno.test("netFlops/stepFlops count the matMuls by hand (hidden 64, seq 81, expansion 4)", () => {
  // SwiGLU widths round 4·d·2/3 up to a multiple of 256: 256 for d = 64 and for L = 81.
  // Channel SwiGLU: gate_up 81x64·64x512 + down 81x256·256x64 per row = 2·81·64·3·256 FLOPs;
  // sequence-mixing SwiGLU: the same numbers with 64 and 81 swapped.
  const perLayer = 2 * 81 * 64 * 3 * 256 * 2;
  const cfg = model({ hiddenSize: 64, mixer: "mlp", expansion: 4 });
  assertEquals(netFlops(cfg, 1), 2 * perLayer);
  assertEquals(netFlops(cfg, 3), 3 * 2 * perLayer);
  // T=3 recursions of n+1 = 7 nets forward, plus a backward of twice the last one.
  assertEquals(stepFlops(cfg, 1), (3 + 2) * 7 * 2 * perLayer);
  // Attention: qkv (d -> 3d) + out (d -> d) per row, and two L x L x d products.
  const att = model({ hiddenSize: 64, mixer: "attention", expansion: 4 });
  const channel = 2 * 81 * 64 * 3 * 256;
  const mixer = 2 * 81 * 64 * 4 * 64 + 4 * 81 * 81 * 64;
  assertEquals(netFlops(att, 1), 2 * (channel + mixer));
});

Deno.test("parseShapes() reads mixer:hidden:batch lists and names a bad item", () => {
  assertEquals(parseShapes("mlp:128:32, attn:256:16"), [
    { mixer: "mlp", hidden: 128, batch: 32 },
    { mixer: "attention", hidden: 256, batch: 16 },
  ]);
  assertThrows(() => parseShapes("mlp:128"), '"mlp:128" is not mixer:hidden:batch');
  assertThrows(() => parseShapes("conv:128:4"), '"conv:128:4"');
  assertThrows(() => parseShapes("mlp:128:0"), '"mlp:128:0"');
  assertThrows(() => parseShapes(""), "no shape");
  assertEquals(gridShapes().length, 18);
});

/** Busy-waits `ms` milliseconds (the parts are synchronous dispatches followed by a sync). */
function busy(ms: number): tf.Tensor[] {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
  return [];
}

Deno.test("timeParts() runs every part reps+1 times and subtracts the forward from forward+backward", async () => {
  const calls: string[] = [];
  const fake: PartsRunner = {
    noGrad: () => (calls.push("noGrad"), busy(5)),
    forward: () => (calls.push("forward"), busy(20)),
    forwardBackward: () => (calls.push("forwardBackward"), busy(60)),
    optimizer: () => (calls.push("optimizer"), busy(1)),
    ema: () => (calls.push("ema"), busy(1)),
    dispose: () => {},
  };
  const p = await timeParts(fake, 2);
  assertEquals(calls.length, 5 * 3);
  assertEquals(calls.slice(0, 5), ["noGrad", "forward", "forwardBackward", "optimizer", "ema"]);
  assert(p.gradForward >= 0.02 && p.noGrad >= 0.005, JSON.stringify(p));
  // 60 - 20 ms, with room for a loaded machine stretching either call.
  assert(p.backward > 0.02 && p.backward < 0.5, JSON.stringify(p));
});

Deno.test("trainerParts() on a tiny model: parts run, the optimiser moves the weights, nothing leaks", async () => {
  const cfg = resolveConfig("smoke", { batchSize: 4, ema: false });
  const puzzles = generateSudokuSet(8, { size: 4, blanks: 6, prng: new Prng(0) });
  const sampler = new Sampler(puzzles, { augment: false, seed: 0 });
  const tr = new Trainer(cfg, sampler);
  tf.dispose(tr.trainStep()); // allocates the optimiser's moments
  const before = tf.memory().numTensors;
  const name = tr.dense[0]!;
  const w0 = await tr.weights[name]!.data();
  const run = trainerParts(tr, sampler.next(4));
  const p = await timeParts(run, 1);
  run.dispose();
  for (const [k, v] of Object.entries(p)) assert(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
  assert(p.noGrad > 0 && p.gradForward > 0 && p.optimizer > 0, JSON.stringify(p));
  const w1 = await tr.weights[name]!.data();
  assert(w1.some((x, i) => x !== w0[i]), "the optimizer part did not change the weights");
  assertEquals(tf.memory().numTensors, before);
  tr.dispose();
});

Deno.test("formatBenchTable() prints a header, a rule and one line per shape", () => {
  const row: BenchRow = {
    shape: { mixer: "mlp", hidden: 128, batch: 32 },
    matmul: "openblas",
    tokens: 2592,
    step_s: 2,
    tokens_per_s: 1296,
    gflops_per_s: 53.5,
    plain_matmul_gflops_per_s: 71.25,
    vs_wasm_matmul: 0.751,
    parts: { noGrad: 1.1, gradForward: 0.3, backward: 0.5, optimizer: 0.01, ema: 0.005 },
    parts_sum_s: 1.91,
    peak_tensor_mb: 120,
    rss_mb: 600,
    torch_tokens_per_s: null,
    ratio: null,
    load: [2, null],
  };
  const lines = formatBenchTable([row, row]).split("\n");
  assertEquals(lines.length, 4);
  assert(lines[0]!.includes("kit tok/s") && lines[2]!.includes("1296"), lines.join("\n"));
  assert(lines[2]!.includes("openblas") && lines[2]!.includes("0.75"), lines.join("\n"));
  assert(lines[2]!.includes("| -"), "a missing anchor shows as -");
});
