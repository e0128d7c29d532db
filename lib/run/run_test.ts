import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { resolveConfig } from "./config.ts";
import { type RunEvent, trainRun } from "./run.ts";
import { loadModel } from "./load.ts";
import { machine } from "../util/machine.ts";

const cfg = resolveConfig("smoke", {
  steps: 10,
  checkpointEvery: 5,
  logEvery: 5,
  trainPuzzles: 60,
  testPuzzles: 24,
});

async function lines(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("trainRun() writes config, metrics, checkpoint and summary; an interrupted run resumes to the same result", async () => {
  const dir = await Deno.makeTempDir();
  const full = await trainRun(cfg, { out: `${dir}/full` });
  const record = JSON.parse(await Deno.readTextFile(`${dir}/full/config.json`));
  assertEquals(record.config, JSON.parse(JSON.stringify(cfg)));
  assertEquals(record.backend.name, "wasm");
  assert(typeof record.code === "string" && record.seed === 0);
  assertEquals(record.libraries["@tensorflow/tfjs-core"], "4.22.0");
  assertEquals(record.machine, machine());
  const m = await lines(`${dir}/full/metrics.jsonl`);
  assertEquals(m.map((l) => `${l.kind}@${l.step}`), ["train@5", "train@10", "final@10"]);

  // Stop at the first checkpoint (as Ctrl-C would), then resume.
  const stop = new AbortController();
  const onEvent = (e: RunEvent) => e.kind === "checkpoint" && e.step === 5 && stop.abort();
  const part = await trainRun(cfg, { out: `${dir}/part`, signal: stop.signal, onEvent });
  assertEquals([part.step, part.stoppedBy], [5, "signal"]);
  const resumed = await trainRun(cfg, { out: `${dir}/part`, resume: true });
  assertEquals(resumed.test, full.test);
  assertEquals(resumed.train, full.train);
  const steps = (await lines(`${dir}/part/metrics.jsonl`)).filter((l) => l.kind === "train").map((
    l,
  ) => l.step);
  assertEquals(steps, [5, 10], "no step missing or duplicated");
  assertEquals(
    (await lines(`${dir}/part/metrics.jsonl`)).map((l) => `${l.kind}@${l.step}`),
    m.map((l) => `${l.kind}@${l.step}`),
    "the stopped run's final line gave way to the resumed run's",
  );

  // The saved model evaluates as the run did; a different config is refused.
  const loaded = await loadModel(`${dir}/full`);
  assertEquals(loaded.step, 10);
  await assertRejects(
    () =>
      trainRun(
        resolveConfig("smoke", {
          ...cfg.train,
          steps: 10,
          lr: 0.5,
          checkpointEvery: 5,
          logEvery: 5,
          trainPuzzles: 60,
          testPuzzles: 24,
        }),
        { out: `${dir}/part`, resume: true },
      ),
    "lr: 0.003 -> 0.5",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainRun() stops on a non-finite loss, names the steps and keeps the last good checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  // An absurd learning rate with AdamW blows the weights up within a few steps.
  const bad = resolveConfig("smoke", {
    steps: 40,
    checkpointEvery: 1,
    logEvery: 1,
    lr: 1e30,
    warmupSteps: 0,
    optimizer: "adamw",
    trainPuzzles: 40,
    testPuzzles: 8,
  });
  const e = await assertRejects(
    () => trainRun(bad, { out: dir }),
    "training diverged: the loss became",
  );
  const saved = await loadModel(dir);
  assert(e.message.includes(`the last good checkpoint (step ${saved.step})`), e.message);
  const good = await Promise.all(Object.values(saved.weights).map((w) => w.data()));
  assert(good.every((d) => d.every(Number.isFinite)), "the kept checkpoint has finite weights");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainRun() scores raw weights and training puzzles beside EMA; resuming a finished run changes nothing", async () => {
  const dir = await Deno.makeTempDir();
  const c = resolveConfig("smoke", {
    steps: 10,
    evalEvery: 5,
    evalLimit: 8,
    evalTrain: 6,
    evalRaw: true,
    trainPuzzles: 30,
    testPuzzles: 12,
  });
  const s = await trainRun(c, { out: dir });
  const m = await lines(`${dir}/metrics.jsonl`);
  const evals = m.filter((l) => l.kind !== "train");
  assertEquals(evals.map((l) => `${l.kind}@${l.step}`), ["eval@5", "final@10"]);
  assertEquals(evals.map((l) => [l.count, l.raw.count, l.trainSet.count]), [[8, 8, 6], [12, 12, 6]]);
  assertEquals(s.testRaw, evals[1]!.raw);
  assertEquals(s.trainSet, evals[1]!.trainSet);
  // EMA (rate 0.9) and raw weights are different weights (a fixed seed: no chance agreement).
  assert(s.testRaw!.tokenAcc !== s.test.tokenAcc, "raw weights are scored, not EMA twice");
  const best = evals.reduce((b, l) => (l.exactAcc > b.exactAcc ? l : b));
  assertEquals(s.best, { step: best.step, exactAcc: best.exactAcc, count: best.count });

  const before = await Deno.readTextFile(`${dir}/metrics.jsonl`);
  const events: RunEvent[] = [];
  const again = await trainRun(c, { out: dir, resume: true, onEvent: (e) => events.push(e) });
  assertEquals(again, s);
  assertEquals(await Deno.readTextFile(`${dir}/metrics.jsonl`), before, "no line added");
  assert(events.some((e) => e.kind === "finished") && !events.some((e) => e.kind === "eval"));
});

Deno.test("the raw weights of an EMA run are exactly the run without EMA (EMA never feeds back)", async () => {
  const c = { steps: 10, trainPuzzles: 30, testPuzzles: 12, threads: 1 };
  const withEma = await trainRun(resolveConfig("smoke", { ...c, evalRaw: true }));
  const without = await trainRun(resolveConfig("smoke", { ...c, ema: false }));
  assertEquals(withEma.testRaw, without.test);
  assertEquals(withEma.train, without.train, "same training losses step by step");
});
