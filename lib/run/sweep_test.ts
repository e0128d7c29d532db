import { toyStudy } from "./testdata/toy_study.ts";
import { assertEquals } from "../util/assert.ts";
import type { RunSummary } from "./run.ts";
import { expandStudy, type Study } from "./study.ts";
import { runState, runSweep, type SweepEvent, type TrainFn } from "./sweep.ts";

const study: Study = toyStudy;

/** A fake training: records calls, writes the summary trainRun would, fails on demand. */
function fakeTrain(opts: { failIf?: (layers: number) => boolean; stopAll?: boolean } = {}) {
  const calls: string[] = [];
  const train: TrainFn = async (cfg, dir) => {
    calls.push(dir.split("/").pop()!);
    if (opts.failIf?.(cfg.model.layers)) throw new Error(`boom at layers=${cfg.model.layers}`);
    const summary: RunSummary = {
      step: cfg.train.steps,
      stoppedBy: opts.stopAll ? "signal" : "steps",
      params: 1,
      backend: cfg.run.backend,
      wallSec: 0.1,
      tokensPerSec: 1,
      test: {
        count: 1,
        tokenAcc: 0.5,
        exactAcc: cfg.model.layers / 10,
        stepsUsed: 2,
        exactByStep: [],
        exactAtHalt: 0.1,
      },
      train: undefined,
    };
    await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify(summary));
    return summary;
  };
  return { train, calls };
}

Deno.test("runSweep() skips done runs on re-run, records failures without stopping and retries only those", async () => {
  const results = await Deno.makeTempDir();
  const plan = expandStudy(study, { preset: "smoke", seeds: [0] });
  const events: SweepEvent[] = [];
  const first = fakeTrain({ failIf: (layers) => layers === 2 });
  const t1 = await runSweep(plan, { results, train: first.train, onEvent: (e) => events.push(e) });
  assertEquals(t1, { done: 2, failed: 2, skipped: 0, stopped: 0 });
  assertEquals(first.calls.length, 4, "the sweep went on after the first failure");
  const failed = plan.filter((r) => r.config.model.layers === 2);
  for (const r of failed) {
    const record = JSON.parse(await Deno.readTextFile(`${results}/${r.runDir}/failed.json`));
    assertEquals(record.error, "boom at layers=2");
    assertEquals(record.pid, Deno.pid);
    assertEquals(await runState(`${results}/${r.runDir}`), "failed");
  }
  const ends = events.filter((e) => e.kind === "end");
  assertEquals(ends.map((e) => e.kind === "end" && e.status), ["done", "failed", "done", "failed"]);
  assertEquals(events.filter((e) => e.kind === "begin").length, 4);
  // No claim is left behind.
  for (const r of plan) {
    assertEquals(await Deno.stat(`${results}/${r.runDir}/claim.json`).catch(() => "gone"), "gone");
  }

  const second = fakeTrain();
  const t2 = await runSweep(plan, { results, train: second.train });
  assertEquals(t2, { done: 2, failed: 0, skipped: 2, stopped: 0 });
  assertEquals(
    second.calls.sort(),
    failed.map((r) => r.runId).sort(),
    "only the failed runs again",
  );
  for (const r of failed) {
    assertEquals(await runState(`${results}/${r.runDir}`), "done", "failed.json is cleared");
  }
  const third = fakeTrain();
  assertEquals(await runSweep(plan, { results, train: third.train }), {
    done: 0,
    failed: 0,
    skipped: 4,
    stopped: 0,
  });
  assertEquals(third.calls, []);
  await Deno.remove(results, { recursive: true });
});

Deno.test("runSweep() retries interrupted runs and stops starting new ones once aborted", async () => {
  const results = await Deno.makeTempDir();
  const plan = expandStudy(study, { preset: "smoke", seeds: [0] });
  const stop = new AbortController();
  const interrupted = fakeTrain({ stopAll: true });
  const train: TrainFn = async (cfg, dir, o) => {
    const s = await interrupted.train(cfg, dir, o);
    stop.abort(); // as Ctrl-C during the first run
    return s;
  };
  assertEquals(await runSweep(plan, { results, train, signal: stop.signal }), {
    done: 0,
    failed: 0,
    skipped: 0,
    stopped: 1,
  });
  const first = `${results}/${plan[0]!.runDir}`;
  await Deno.writeTextFile(`${first}/config.json`, "{}");
  assertEquals(await runState(first), "partial", "a summary with stoppedBy signal is not done");
  assertEquals(await runState(`${results}/${plan[1]!.runDir}`), "missing");
  const resume = fakeTrain();
  assertEquals((await runSweep(plan, { results, train: resume.train })).done, 4);
  assertEquals(resume.calls[0], plan[0]!.runId);
  await Deno.remove(results, { recursive: true });
});
