import { assert, assertRejects } from "../util/assert.ts";
import { resolveConfig } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import { checkStepMemory, estimateStepBytes, measureStepBytes } from "./memory.ts";

await useBackend("wasm");

Deno.test("estimateStepBytes() extrapolates linearly in the rows and matches a measurement", async () => {
  const cfg = resolveConfig("smoke", { batchSize: 8 });
  const est = await estimateStepBytes(cfg);
  assert(est.perRow > 0 && est.fixed > 0);
  const real = await measureStepBytes(cfg, 8);
  assert(Math.abs(real - est.step) / real < 0.1, `measured ${real}, estimated ${est.step}`);
});

Deno.test("step memory does not grow with T (the first T-1 recursions keep nothing)", async () => {
  const at = (T: number) =>
    measureStepBytes(resolveConfig("smoke", { recursions: T, batchSize: 8 }), 8);
  const [one, four] = [await at(1), await at(4)];
  assert(Math.abs(four - one) / one < 0.1, `T=1: ${one} bytes, T=4: ${four} bytes`);
});

Deno.test("checkStepMemory() refuses a batch over the limit and names the largest that fits", async () => {
  const cfg = resolveConfig("smoke", { batchSize: 64, memoryLimitMb: 40 });
  const e = await assertRejects(() => checkStepMemory(cfg), "over memoryLimitMb = 40");
  assert(/largest batch that fits is \d+/.test(e.message), e.message);
  assert(e.message.includes("--accumulate"), e.message);
});
