import { assert, assertEquals } from "@kit/util/assert.ts";
import { type BenchRow, formatBenchTable } from "./table.ts";

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
