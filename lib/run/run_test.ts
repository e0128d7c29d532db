import { assert, assertEquals, assertRejects } from "../util/assert.ts";
import { resolveConfig } from "./config.ts";
import { type RunEvent, trainRun } from "./run.ts";
import { loadModel } from "./load.ts";

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
