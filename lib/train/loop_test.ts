import { assert, assertEquals } from "../util/assert.ts";
import { loadTaskData } from "../data/datasets.ts";
import { Sampler } from "../data/sampling.ts";
import { resolveConfig, withData } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import { type LoopHooks, trainLoop } from "./loop.ts";
import { Trainer } from "./trainer.ts";

await useBackend("wasm");

const base = { logEvery: 2, evalEvery: 3, checkpointEvery: 4, trainPuzzles: 30, testPuzzles: 8 };

/** A trainer for `over`, and hooks that record what the loop hands them, in order. */
async function setup(over: Record<string, unknown>) {
  const c = resolveConfig("smoke", { ...base, evalLimit: 4, ...over });
  const data = await loadTaskData(c.data, c.run.seed);
  const cfg = withData(c, data);
  const trainer = new Trainer(cfg, new Sampler(data.train, { augment: true, seed: 0 }));
  const calls: string[] = [];
  const record = (call: string) => void calls.push(call);
  const hooks: LoopHooks = {
    log: (l) => Promise.resolve(record(`log@${l.step}`)),
    evaluated: (e) => Promise.resolve(record(`${e.final ? "final" : "eval"}@${e.step}`)),
    checkpoint: (_, step) => Promise.resolve(record(`checkpoint@${step}`)).then(() => "memory"),
  };
  return { trainer, data, calls, hooks };
}

Deno.test("trainLoop() logs, evaluates and checkpoints on schedule, then checkpoints and evaluates at the end", async () => {
  const { trainer, data, calls, hooks } = await setup({ steps: 6 });
  const r = await trainLoop(trainer, data, hooks);
  assertEquals(calls, [
    "log@2",
    "eval@3",
    "log@4",
    "checkpoint@4",
    "log@6", // the last step is always logged; an evaluation due there is the final one
    "checkpoint@6",
    "final@6",
  ]);
  assertEquals([trainer.step, r.stoppedBy, r.final.metrics.count], [6, "steps", 8]);
  assert(r.train !== undefined && r.tokensPerSec > 0 && r.best?.step !== undefined);
  trainer.dispose();
});

Deno.test("trainLoop() stops at a logged step on a signal, and at once when its time is spent", async () => {
  const stop = new AbortController();
  const s = await setup({ steps: 20 });
  const evaluated = s.hooks.evaluated;
  s.hooks.evaluated = async (e) => {
    stop.abort(); // at step 3, mid-window: the loop goes on to the logged step 4
    await evaluated(e);
  };
  const r = await trainLoop(s.trainer, s.data, s.hooks, { signal: stop.signal });
  assertEquals([s.trainer.step, r.stoppedBy], [4, "signal"]);
  assertEquals(s.calls, ["log@2", "eval@3", "log@4", "checkpoint@4", "checkpoint@4", "final@4"]);
  s.trainer.dispose();

  const t = await setup({ steps: 20, timeBudgetMin: 1e-9 });
  const timed = await trainLoop(t.trainer, t.data, t.hooks);
  const n = t.trainer.step; // 0, unless the clock did not tick before the first check
  assert(timed.stoppedBy === "time" && n <= 1, `stopped by ${timed.stoppedBy} at step ${n}`);
  assertEquals(t.calls.slice(-2), [`checkpoint@${n}`, `final@${n}`]);
  t.trainer.dispose();
});
