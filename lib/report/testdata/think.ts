/**
 * A hand-made thinking record for the report's tests: 4 puzzles of 4 tokens,
 * K trajectories, D steps; trajectory k of puzzle p is right from step p + k + 1.
 */
import type { ThinkRecord } from "../../train/think.ts";

export function record(k: number, d: number): ThinkRecord {
  const n = 4, rows = n * k;
  const exact = new Uint8Array(rows * d), q = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const p = Math.floor(r / k), j = r % k;
    for (let t = 0; t < d; t++) {
      exact[r * d + t] = t + 1 >= p + j + 1 ? 1 : 0;
      q[r * d + t] = t - p - j;
    }
  }
  return {
    puzzles: n,
    samples: k,
    depth: d,
    trainedDepth: 2,
    callsPerStep: 10,
    seqLen: 4,
    qHalt: q,
    exact,
    correct: Float32Array.from(exact, (e) => 2 + 2 * e),
    cells: new Float32Array(n).fill(4),
    answers: Int32Array.from({ length: rows * 4 }, (_, i) => 2 + (i % 4)),
    ruleOk: Uint8Array.from({ length: rows }, (_, r) => r % 2),
  };
}
