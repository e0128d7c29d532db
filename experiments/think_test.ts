import { assert, assertEquals, assertRejects } from "@kit/util/mod.ts";
import { main } from "./think.ts";

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await fn(), out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

Deno.test("think CLI lists a study's points, and refuses what it does not apply", async () => {
  const dry = await capture(() => main(["thinking", "--dryRun"]));
  assertEquals(dry.code, 0);
  assert(/^thinking-depth: 1000 puzzles, K=1, depth 64/m.test(dry.out), dry.out);
  assert(/^thinking-augment: 1000 puzzles, K=8, .*start augment/m.test(dry.out), dry.out);
  const smoke = await capture(() => main(["thinking", "--dryRun", "--preset", "smoke"]));
  assert(/^thinking-augment: 16 puzzles, K=4/m.test(smoke.out), smoke.out);
  assertEquals((await capture(() => main([]))).code, 2);
  await assertRejects(() => main(["nope"]), 'no thinking study "nope"');
  await assertRejects(() => main(["thinking", "--lr", "1"]), "think does not apply --lr");
  await assertRejects(() => main(["thinking", "--points", "nope"]), 'has no point "nope"');
});
