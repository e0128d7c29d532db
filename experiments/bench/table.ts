/**
 * One result line per benchmarked shape, and the table `deno task bench` prints.
 *
 * @module
 */
import type { BenchShape } from "./shapes.ts";
import type { StepParts } from "./parts.ts";

/** One line of the benchmark's results: a shape, the kit's numbers and the anchor's. */
export interface BenchRow {
  shape: BenchShape;
  /**
   * What ran the matrix products: "xnnpack" (wasm's own), "openblas" (blas.ts), or the backend;
   * "+native" where SwiGLU ran as fused native kernels (lib/backend/native.ts).
   */
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
    "set",
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
    r.shape.base ?? "anchor",
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
