import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { encodeArcGrid } from "./arc.ts";
import { augmentGrid, gridFromRows, randomAugmentation } from "./augment.ts";
import { invertPrediction, passAtK, rankVotes, scoreArc } from "./vote.ts";

const RIGHT = gridFromRows([[1, 2], [3, 4]]);
const WRONG = gridFromRows([[1, 2], [3, 5]]);
const OTHER = gridFromRows([[7]]);

Deno.test("invertPrediction() crops and undoes the augmentation of a predicted canvas", () => {
  const prng = new Prng(0);
  for (let k = 0; k < 20; k++) {
    const a = randomAugmentation(prng);
    assertEquals(
      invertPrediction(encodeArcGrid(augmentGrid(RIGHT, a), { canvas: 5 }), a, 5),
      RIGHT,
    );
  }
});

Deno.test("rankVotes() picks the majority answer, then breaks ties by mean halting confidence", () => {
  const votes = [
    { grid: WRONG, haltProb: 0.9 },
    { grid: RIGHT, haltProb: 0.2 },
    { grid: OTHER, haltProb: 0.99 },
    { grid: RIGHT, haltProb: 0.4 },
    { grid: RIGHT, haltProb: 0.6 },
    { grid: WRONG, haltProb: 0.1 },
  ];
  const ranked = rankVotes(votes);
  assertEquals(ranked.map((c) => c.votes), [3, 2, 1]);
  assertEquals(ranked[0]!.grid, RIGHT);
  assert(Math.abs(ranked[0]!.meanHalt - 0.4) < 1e-12);
  // Equal votes: the more confident answer ranks first.
  const tie = rankVotes([{ grid: WRONG, haltProb: 0.3 }, { grid: RIGHT, haltProb: 0.8 }]);
  assertEquals(tie[0]!.grid, RIGHT);
  assert(passAtK(ranked, RIGHT, 1) && !passAtK(ranked, OTHER, 2) && passAtK(ranked, OTHER, 3));
});

Deno.test("scoreArc() averages the passed share of each task's test inputs over tasks", () => {
  const right = rankVotes([{ grid: RIGHT, haltProb: 1 }, { grid: RIGHT, haltProb: 1 }, {
    grid: WRONG,
    haltProb: 1,
  }]);
  const second = rankVotes([{ grid: WRONG, haltProb: 0.9 }, { grid: RIGHT, haltProb: 0.1 }]);
  const s = scoreArc([
    { task: "a", ranked: right, truth: RIGHT },
    { task: "a", ranked: second, truth: RIGHT }, // task a: 1/2 at pass@1, 2/2 at pass@2
    { task: "b", ranked: right, truth: OTHER }, // task b: 0
  ]);
  assertEquals(s.tasks, 2);
  assertEquals(s.testInputs, 3);
  assertEquals(s.passAt, { 1: 0.25, 2: 0.5 });
  assertEquals(s.perTask.a, { 1: 0.5, 2: 1 });
});
