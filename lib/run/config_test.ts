import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { configDiff, flattenConfig, resolveConfig, resumeDiff } from "./config.ts";
import { parseCommandLine } from "./cli.ts";
import { configHash } from "./run_id.ts";

Deno.test("resolveConfig() applies preset, then overrides by leaf, section.leaf or paper alias", () => {
  const c = resolveConfig("smoke", {
    n: "3",
    T: 2,
    "model.hiddenSize": "48",
    ema: "false",
    mixer: "attention",
  });
  assertEquals([
    c.model.latentSteps,
    c.model.recursions,
    c.model.hiddenSize,
    c.train.ema,
    c.model.mixer,
  ], [3, 2, 48, false, "attention"]);
  assertEquals(c.data.size, 4);
  assertEquals([c.model.vocabSize, c.model.seqLen], [6, 16]); // derived from the 4x4 data
  assert(Object.isFrozen(c) && Object.isFrozen(c.model));
});

Deno.test("resolveConfig() rejects unknown keys with a suggestion and the valid keys", () => {
  const e = assertThrows(() => resolveConfig("smoke", { hiden: 64 }), 'unknown config key "hiden"');
  assert(e.message.includes('did you mean "hiddenSize"'), e.message);
  assert(e.message.includes("latentSteps"), "lists the valid keys");
  assertThrows(() => resolveConfig("smokey"), 'unknown preset "smokey"');
});

Deno.test("resolveConfig() checks value types, choices and cross-field rules", () => {
  assertThrows(
    () => resolveConfig("smoke", { lr: "fast" }),
    'config key "lr" needs a number, got "fast"',
  );
  assertThrows(
    () => resolveConfig("smoke", { ema: "maybe" }),
    'config key "ema" needs true or false',
  );
  assertThrows(
    () => resolveConfig("smoke", { mixer: "conv" }),
    'must be one of "mlp", "attention"',
  );
  assertThrows(
    () => resolveConfig("smoke", { mixer: "attention", hiddenSize: 30, heads: 4 }),
    "heads (4) must divide hiddenSize (30)",
  );
  assertThrows(() => resolveConfig("smoke", { vocabSize: 3 }), "set from the data");
  assertThrows(() => resolveConfig("smoke", { blanks: 16 }), "blanks must be between 1 and 15");
});

Deno.test("flattenConfig() has unique, dot-free leaves; configDiff() and configHash() see changes", () => {
  const a = resolveConfig("smoke"), b = resolveConfig("smoke", { seed: 1 });
  const flat = flattenConfig(a);
  const total = Object.values(a).reduce((n, s) => n + Object.keys(s).length, 0);
  assertEquals(Object.keys(flat).length, total);
  assert(Object.keys(flat).every((k) => !k.includes(".")));
  assertEquals(configDiff(a, b), ["seed: 0 -> 1"]);
  assert(configHash(a) !== configHash(b) && configHash(a) === configHash(resolveConfig("smoke")));
  // Threads, BLAS, logging, checkpointing and the memory limit do not change results, nor the id.
  const same = resolveConfig("smoke", {
    threads: 1,
    blas: "off",
    logEvery: 3,
    checkpointEvery: 7,
    memoryLimitMb: 100,
  });
  assertEquals(configHash(same), configHash(a));
});

Deno.test("run ids are pinned: keys added later are hashed only when set", () => {
  // Ids of ca41b90, before dataSeed, augmentVersions, evalTrain and evalRaw existed.
  assertEquals(configHash(resolveConfig("smoke")), "263595ca");
  assertEquals(configHash(resolveConfig("cpu")), "ac89594e");
  assertEquals(configHash(resolveConfig("cpu", { seed: 3, layers: 4 })), "cd7c1769");
  for (const set of [{ dataSeed: 7 }, { augmentVersions: 2 }, { evalTrain: 10 }, { evalRaw: true }]) {
    assert(configHash(resolveConfig("cpu", set)) !== "ac89594e", JSON.stringify(set));
  }
});

Deno.test("parseCommandLine() reads own flags, config keys and rejects typos", () => {
  const p = parseCommandLine(["--preset", "smoke", "--n", "3", "--T=2", "--resume", "--out", "x"], {
    preset: "string",
    out: "string",
    resume: "boolean",
  });
  assertEquals(p.flags, { preset: "smoke", resume: true, out: "x" });
  assertEquals(p.overrides, { n: "3", T: "2" });
  assertThrows(() => parseCommandLine(["--latentStep", "3"]), 'did you mean "latentSteps"');
  assertThrows(() => parseCommandLine(["--lr"]), "--lr needs a value");
});

Deno.test("resumeDiff() lets a resumed run change its length and logging, nothing it trains", () => {
  const a = resolveConfig("cpu");
  const longer = resolveConfig("cpu", {
    timeBudgetMin: 60,
    steps: 5000,
    evalEvery: 100,
    threads: 1,
  });
  assertEquals(resumeDiff(a, longer), []);
  assertEquals(resumeDiff(a, resolveConfig("cpu", { lr: 0.01, timeBudgetMin: 60 })), [
    "lr: 0.001 -> 0.01",
  ]);
  // With a cosine schedule the total steps shape the lr, so they may not change.
  const cos = resolveConfig("cpu", { lrMinRatio: 0.1 });
  assertEquals(resumeDiff(cos, resolveConfig("cpu", { lrMinRatio: 0.1, steps: 10 })), [
    "steps: 100000 -> 10",
  ]);
});
