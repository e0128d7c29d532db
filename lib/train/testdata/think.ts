/**
 * Hand-made think records for the tests of think_select.ts and
 * think_summary.ts.
 *
 * @module
 */
import type { ThinkRecord } from "../think.ts";

/**
 * A hand-made record: per puzzle, per trajectory, per step a q_halt logit and
 * the number of cells right (of 4; exact when all 4); final answers as
 * strings of tokens.
 */
export function handRecord(
  q: number[][][],
  right: number[][][],
  answers: string[][],
  ruleOk?: number[][],
): ThinkRecord {
  const flat = (a: number[][][]) => a.flat(2);
  return {
    puzzles: q.length,
    samples: q[0]!.length,
    depth: q[0]![0]!.length,
    trainedDepth: 2,
    callsPerStep: 10,
    seqLen: 4,
    qHalt: Float32Array.from(flat(q)),
    exact: Uint8Array.from(flat(right).map((c) => (c === 4 ? 1 : 0))),
    correct: Float32Array.from(flat(right)),
    cells: new Float32Array(q.length).fill(4),
    answers: Int32Array.from(answers.flat().flatMap((a) => [...a].map(Number))),
    ruleOk: ruleOk ? Uint8Array.from(ruleOk.flat()) : undefined,
  };
}

// One puzzle, three trajectories, three steps.
export const REC = handRecord(
  [[
    [-3, -1, 0.5], // plain trajectory: halts (p > 0.5) only at step 3
    [-2, 2, 1], // halts first, at step 2
    [-1, 1.5, 3], // also halts at step 2 with less confidence; the highest at the end
  ]],
  [[[2, 3, 3], [3, 4, 4], [2, 3, 3]]],
  [["2343", "2345", "2343"]],
  [[0, 1, 0]],
);
