import { resolveConfig } from "@kit/run/mod.ts";
import { assertEquals } from "@kit/util/assert.ts";
import { netFlops, stepFlops } from "./flops.ts";

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
