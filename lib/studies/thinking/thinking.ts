/**
 * Thinking longer on the scarce regime's base model (results/models/
 * scarce-base: 6x6 Sudoku, 24 blanks, 300 training puzzles, N_sup = 8,
 * T = 2, n = 4): accuracy against evaluation depth (to 8× the trained
 * depth), against K for every selection rule with noise on z and with
 * augmented starts, and against compute (net calls per puzzle).
 *
 * The held-out set is the first 1000 of the model's own 2000 held-out puzzles
 * (data seed 1000), which exclude its training puzzles. Sized to about 20
 * minutes of one CPU thread (about 4.5 ms per trajectory-step, 64k
 * trajectory-steps per point). Left out for time: K trajectories deeper or
 * shallower than the trained depth, noise on y as well as z, noise on top of
 * augmented starts, and a second seed.
 *
 * @module
 */
import type { ThinkingStudy } from "./declare.ts";

export const study: ThinkingStudy = {
  name: "thinking",
  title: "Thinking longer: test-time compute on the scarce base model",
  model: "results/models/scarce-base",
  heldOut: { data: { dataSeed: 1000, testPuzzles: 2000 }, puzzles: 1000 },
  threshold: 0.5,
  thresholds: [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99],
  points: [
    { name: "depth", label: "one trajectory, 64 steps", depth: 64 },
    { name: "augment", label: "augmented starts", samples: 8, start: "augment", seed: 1 },
    { name: "noise-0.2", label: "noise σ = 0.2 on z", samples: 8, noise: 0.2, seed: 1 },
    { name: "noise-0.5", label: "noise σ = 0.5 on z", samples: 8, noise: 0.5, seed: 1 },
  ],
};
