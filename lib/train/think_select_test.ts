import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../util/assert.ts";
import { handRecord, REC } from "./testdata/think.ts";
import { choose, haltLogit, scoreRule } from "./think_select.ts";

Deno.test("haltLogit() is the logit of the threshold, 0 at 0.5, and refuses 0 and 1", () => {
  assertEquals(haltLogit(0.5), 0);
  assertAlmostEquals(1 / (1 + Math.exp(-haltLogit(0.9))), 0.9, 1e-12);
  assertThrows(() => haltLogit(1), "strictly between 0 and 1");
  assertThrows(() => haltLogit(0), "strictly between 0 and 1");
});

Deno.test("choose() qhalt takes the highest final q_halt", () => {
  assertEquals(choose(REC, 0, "qhalt"), { sample: 2, step: 3, stepsRun: 3 });
  assertEquals(choose(REC, 0, "qhalt", { samples: 2 }), { sample: 1, step: 3, stepsRun: 3 });
  assertEquals(choose(REC, 0, "qhalt", { samples: 1 }).sample, 0);
});

Deno.test("choose() first-halt takes the first to pass the threshold, ties to the higher q_halt", () => {
  // Trajectories 1 and 2 both pass 0.5 at step 2; 1 is more confident there.
  assertEquals(choose(REC, 0, "first-halt"), { sample: 1, step: 2, stepsRun: 2 });
  // At 0.85 (logit 1.73) only trajectory 1 passes at step 2.
  assertEquals(choose(REC, 0, "first-halt", { threshold: 0.85 }).sample, 1);
  // At 0.9 (logit 2.20) nobody passes before step 3, where trajectory 2 does.
  assertEquals(choose(REC, 0, "first-halt", { threshold: 0.9 }), {
    sample: 2,
    step: 3,
    stepsRun: 3,
  });
  // Nobody ever passes 0.99: the most confident at the end, after all steps.
  assertEquals(choose(REC, 0, "first-halt", { threshold: 0.99 }), {
    sample: 2,
    step: 3,
    stepsRun: 3,
  });
});

Deno.test("choose() vote takes the majority answer; ties go to the higher mean confidence", () => {
  assertEquals(choose(REC, 0, "vote").sample, 0); // "2343" twice: its first trajectory
  // Two trajectories, two answers, one vote each: trajectory 1 is more confident at the end.
  assertEquals(choose(REC, 0, "vote", { samples: 2 }).sample, 1);
  const tie = handRecord([[[0, 0], [0, -1]]], [[[0, 0], [0, 0]]], [["1111", "2222"]]);
  assertEquals(choose(tie, 0, "vote").sample, 0);
});

Deno.test("choose() verify takes the most confident answer that passes the rule check", () => {
  assertEquals(choose(REC, 0, "verify").sample, 1);
  // None passes among the first one: as qhalt.
  assertEquals(choose(REC, 0, "verify", { samples: 1 }).sample, 0);
  const none = { ...REC, ruleOk: new Uint8Array(3) };
  assertEquals(choose(none, 0, "verify").sample, 2);
  assertThrows(() => choose({ ...REC, ruleOk: undefined }, 0, "verify"), "needs a rule check");
});

Deno.test("choose() oracle takes a right answer when there is one", () => {
  assertEquals(choose(REC, 0, "oracle").sample, 1);
  assertEquals(choose(REC, 0, "oracle", { samples: 1 }).sample, 0);
  assertThrows(
    () => choose(REC, 0, "oracle", { samples: 4 }),
    "samples must be an integer in [1, 3]",
  );
});

Deno.test("scoreRule() reads accuracy at the chosen step and counts K·steps·T(n+1) calls", () => {
  const first = scoreRule(REC, "first-halt");
  assertEquals([first.exact, first.cell, first.steps, first.calls], [1, 1, 2, 3 * 2 * 10]);
  const q = scoreRule(REC, "qhalt");
  assertEquals([q.exact, q.cell, q.steps, q.calls], [0, 0.75, 3, 3 * 3 * 10]);
  assertEquals(scoreRule(REC, "qhalt", { samples: 1 }).calls, 30);
  assert(scoreRule(REC, "verify").label.includes("verifier"));
  assert(scoreRule(REC, "oracle").label.includes("upper bound"));
});
