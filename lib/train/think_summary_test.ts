import { assert, assertEquals } from "../util/assert.ts";
import { handRecord, REC } from "./testdata/think.ts";
import {
  depthCurve,
  haltingCurve,
  rescues,
  sampleCounts,
  summarizeThinking,
} from "./think_summary.ts";

Deno.test("depthCurve() and haltingCurve() read the plain trajectory", () => {
  assertEquals(depthCurve(REC).map((d) => [d.step, d.exact, d.cell, d.calls]), [
    [1, 0, 0.5, 10],
    [2, 0, 0.75, 20],
    [3, 0, 0.75, 30],
  ]);
  // Trajectory 0 passes 0.5 at step 3 (q 0.5 > 0), 0.1 at step 2 (q -1 > -2.2), 0.01 at step 1.
  const h = haltingCurve(REC, [0.01, 0.1, 0.5, 0.9]);
  assertEquals(h.map((p) => p.steps), [1, 2, 3, 3]);
  assertEquals(h.map((p) => p.cell), [0.5, 0.75, 0.75, 0.75]);
  assertEquals(h[0]!.calls, 10);
});

Deno.test("sampleCounts() doubles up to K and ends at K", () => {
  assertEquals(sampleCounts(1), [1]);
  assertEquals(sampleCounts(8), [1, 2, 4, 8]);
  assertEquals(sampleCounts(6), [1, 2, 4, 6]);
});

Deno.test("summarizeThinking() scores every available rule at each K", () => {
  const s = summarizeThinking(REC, { thresholds: [0.5] });
  assertEquals(s.rules.map((r) => r.rule), ["qhalt", "first-halt", "vote", "verify", "oracle"]);
  assertEquals(s.bySamples.length, 5 * 3); // K = 1, 2, 3
  assertEquals(s.bySamples.filter((r) => r.samples === 1).map((r) => r.exact), [0, 0, 0, 0, 0]);
  const noCheck = summarizeThinking({ ...REC, ruleOk: undefined });
  assert(!noCheck.rules.some((r) => r.rule === "verify"));
});

Deno.test("rescues() finds puzzles wrong at the trained depth that another trajectory gets right", () => {
  assertEquals(rescues(REC), [{ puzzle: 0, deeper: false, samples: [1] }]);
  const deeper = handRecord([[[0, 0, 0]]], [[[3, 3, 4]]], [["1111"]]);
  assertEquals(rescues(deeper), [{ puzzle: 0, deeper: true, rightAt: 3, samples: [] }]);
});
