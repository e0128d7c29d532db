import { assert, assertEquals } from "../util/assert.ts";
import type { TopLevelSpec } from "vega-lite";
import { record } from "./testdata/think.ts";
import type { ThinkPointRecord } from "../train/think_point.ts";
import { summarizeThinking } from "../train/think_summary.ts";
import { compileSpec } from "./render.ts";
import {
  loadThinkingRecords,
  thinkingStudyFigures,
  thinkingStudyTables,
  writeThinkingReport,
} from "./thinking_study.ts";

function point(name: string, k: number, d: number, start: "same" | "augment"): ThinkPointRecord {
  return {
    study: "t",
    point: name,
    id: `t-${name}`,
    label: name,
    preset: "smoke",
    settings: {
      depth: d,
      samples: k,
      noise: start === "same" && k > 1 ? 0.2 : 0,
      noiseOn: "z",
      start,
      seed: 0,
      recursions: 2,
      latentSteps: 4,
      threshold: 0.5,
      thresholds: [0.5, 0.9],
    },
    model: { path: "m", step: 1, trainedDepth: 2, config: {} },
    heldOut: { source: "made by hand", data: {}, puzzles: 4 },
    code: "test",
    command: "",
    deno: Deno.version.deno,
    backend: "",
    started: "",
    seconds: 0,
    summary: summarizeThinking(record(k, d), { thresholds: [0.5, 0.9] }),
    examples: [],
  };
}

const records = [point("depth", 1, 6, "same"), point("noise", 4, 2, "same")];

Deno.test("thinkingStudyTables(): the best of each way against the trained depth, and the curves", () => {
  const [best, depth, rules, halting] = thinkingStudyTables("t", records);
  assertEquals([best!.name, depth!.name, rules!.name, halting!.name], [
    "t_best",
    "t_depth",
    "t_rules",
    "t_halting",
  ]);
  // Plain: puzzle p is right from step p + 1, so 2 of 4 at the trained depth, all 4 from step 4.
  assertEquals(best!.data[0], {
    what: "plain, trained depth",
    setting: "-",
    K: 1,
    depth: 2,
    steps: 2,
    calls: 20,
    exact: 0.5,
    cell: 0.75,
    gain: 0,
  });
  assertEquals([best!.data[1]!.what, best!.data[1]!.steps, best!.data[1]!.gain], [
    "plain, best deeper depth",
    4,
    0.5,
  ]);
  // Each rule's best K among 2 and 4 (ties: fewer calls); the oracle is never below any rule.
  const byRule: Record<string, Record<string, unknown>> = Object.fromEntries(
    best!.data.slice(3).map((r) => [String(r.what), r]),
  );
  assertEquals(Object.keys(byRule).length, 5);
  const oracle = byRule["oracle pass@K (upper bound)"]!;
  for (const r of Object.values(byRule)) assert((r.exact as number) <= (oracle.exact as number));
  assertEquals(oracle.setting, "σ = 0.2 on z");
  const oracles = rules!.data.filter((r) => r.what === oracle.what);
  assertEquals(oracles.map((r) => r.K), [2, 4]);
  assertEquals(oracle.exact, Math.max(...oracles.map((r) => r.exact as number)));
  assertEquals(depth!.data.length, 6);
  assertEquals(halting!.data.map((r) => r.what), [
    "halting head, p > 0.5",
    "halting head, p > 0.9",
  ]);
  assertEquals(thinkingStudyTables("t", []), []);
  // With noise and augmented starts, each rule's best is given for each.
  const both = thinkingStudyTables("t", [...records, point("aug", 2, 2, "augment")])[0]!;
  assertEquals(both.data.slice(3).map((r) => r.setting), [
    ...Array(5).fill("σ = 0.2 on z"),
    ...Array(5).fill("augmented starts"),
  ]);
});

Deno.test("thinkingStudyFigures() compile, and writeThinkingReport() writes them from records", async () => {
  const figs = thinkingStudyFigures("t", records);
  assertEquals(figs.map((f) => f.name), ["t_depth", "t_samples_noise", "t_compute"]);
  for (const f of figs) assertEquals(compileSpec(f.spec as TopLevelSpec).warnings, []);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/thinking`);
    for (const r of records) {
      await Deno.writeTextFile(`${dir}/thinking/${r.id}.json`, JSON.stringify(r));
    }
    const loaded = await loadThinkingRecords(dir, ["t-depth", "t-missing", "t-noise"]);
    assertEquals(loaded.map((r) => r.id), ["t-depth", "t-noise"]);
    const files = await writeThinkingReport("t", loaded, dir);
    assertEquals(files.length, 4 * 4 + 3 * 3);
    assert(
      files.includes(`${dir}/tables/t_best.csv`) && files.includes(`${dir}/figures/t_compute.svg`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
