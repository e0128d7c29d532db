import { toyStudy } from "./testdata/toy_study.ts";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import {
  expandStudy,
  filterPlan,
  firstSeeds,
  parseShard,
  shardQueue,
  type Study,
  values,
  variedKeys,
} from "./study.ts";

const study: Study = toyStudy;

Deno.test("expandStudy() crosses the axes, repeats each point per seed and names runs by config", () => {
  const plan = expandStudy(study, { preset: "smoke" });
  assertEquals(plan.length, 8);
  assertEquals(plan.map((r) => r.index), [1, 2, 3, 4, 5, 6, 7, 8]);
  assertEquals(plan[0]!.labels, { mixer: "mlp", depth: "shallow" });
  assertEquals(plan[0]!.set, { mixer: "mlp", layers: 1, latentSteps: 3 }, "aliases become leaves");
  assertEquals(plan.map((r) => r.seed), [0, 1, 0, 1, 0, 1, 0, 1]);
  const last = plan[7]!.config;
  assertEquals([last.model.mixer, last.model.layers, last.model.latentSteps], ["attention", 2, 1]);
  assertEquals([last.train.steps, last.data.size, last.run.seed], [3, 4, 1], "base, preset, seed");
  assertEquals(new Set(plan.map((r) => r.runId)).size, 8);
  assert(
    plan.every((r) => /^sudoku4-[0-9a-f]{8}$/.test(r.runId) && r.runDir === `runs/${r.runId}`),
  );
  // Same point, same id: another study sharing a point shares the run.
  const again = expandStudy(
    { ...study, name: "other", axes: [values("mixer", ["mlp"])], base: {} },
    {
      preset: "smoke",
      seeds: [0],
      overrides: { steps: 3, layers: 1, latentSteps: 3 },
    },
  );
  assertEquals(again[0]!.runId, plan[0]!.runId);
  assertEquals(variedKeys(study), ["mixer", "layers", "latentSteps"]);
  assertEquals(expandStudy(study, { preset: "smoke", seeds: firstSeeds(1) }).length, 4);
});

Deno.test("expandStudy() refuses clashing axes, overridden varied keys and invalid points, naming them", () => {
  assertThrows(
    () =>
      expandStudy({
        ...study,
        axes: [values("layers", [1]), { ...values("n", [1]), name: "layers" }],
      }),
    'study "toy": axis "layers" is declared twice',
  );
  assertThrows(
    () => expandStudy({ ...study, axes: [values("latentSteps", [1]), values("n", [2])] }),
    'key "latentSteps" is set by two axes, "latentSteps" and "n"',
  );
  assertThrows(
    () =>
      expandStudy({
        ...study,
        axes: [values("layers", [1]), { name: "x", points: [{ label: "a", set: { layers: 2 } }] }],
      }),
    'key "layers" is set by two axes, "layers" and "x"',
  );
  assertThrows(
    () => expandStudy(study, { preset: "smoke", overrides: { n: 2 } }),
    'study "toy" varies latentSteps; do not set it on the command line',
  );
  assertThrows(
    () => expandStudy({ ...study, axes: [values("layers", [1, 0])] }, { preset: "smoke" }),
    'study "toy", point 0, seed 0: invalid config:\n  layers must be positive, got 0',
  );
  assertThrows(
    () => expandStudy({ ...study, axes: [values("mixr", ["mlp"])] }, { preset: "smoke" }),
    'did you mean "mixer"',
  );
  assertThrows(
    () =>
      expandStudy({
        ...study,
        axes: [{ name: "a", points: [{ label: "x", set: {} }, { label: "y", set: { steps: 3 } }] }],
      }, { preset: "smoke" }),
    'study "toy": points x and y resolve to the same config',
  );
  assertThrows(() => firstSeeds(0), "--seeds needs a positive integer, got 0");
});

Deno.test("filterPlan() keeps the runs whose config matches every key's values", () => {
  const plan = expandStudy(study, { preset: "smoke" });
  const some = filterPlan(plan, "mixer=mlp, n=3|7");
  assertEquals(some.length, 2); // mlp x shallow (n=3), two seeds
  assert(some.every((r) => r.config.model.mixer === "mlp" && r.config.model.latentSteps === 3));
  assertThrows(() => filterPlan(plan, "layers=9"), "matches none");
  assertThrows(() => filterPlan(plan, "mixr=mlp"), 'did you mean "mixer"');
  assertThrows(() => filterPlan(plan, "mixer"), "write key=value");
});

Deno.test("shardQueue() splits a queue into N disjoint slices by position, whatever is done", () => {
  const plan = expandStudy(study, { preset: "smoke" }); // 8 runs
  const shards = [1, 2, 3].map((i) => shardQueue(plan, parseShard(`${i}/3`)));
  assertEquals(shards.map((s) => s.map((r) => r.index)), [[1, 4, 7], [2, 5, 8], [3, 6]]);
  const all = shards.flat().map((r) => r.runId);
  assertEquals(new Set(all).size, 8, "no run in two shards");
  assertEquals(new Set(all), new Set(plan.map((r) => r.runId)), "every run in one");
  assertEquals(shardQueue(plan, parseShard("1/1")), plan);
  assertEquals(shardQueue(plan, parseShard("9/9")), [], "more shards than runs: some are empty");
  assertEquals(parseShard(" 2 / 5 "), { index: 2, count: 5 });
  for (const bad of ["0/3", "4/3", "1/0", "1", "a/b", "-1/3", "1/3/2", ""]) {
    assertThrows(() => parseShard(bad), "shards count from 1");
  }
});
