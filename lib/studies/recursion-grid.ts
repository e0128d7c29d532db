/**
 * Recursions T against latent steps n. Paper Table 1 has two corners of this
 * grid, TRM (T=3, n=6) at 87.4% and "w/ T=2, n=2" at 73.7%; the grid shows
 * the way between them. Runs grow with T(n+1).
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "recursion-grid",
  title: "Table 1: T=3 n=6 (TRM) vs w/ T=2 n=2, as a T x n grid",
  axes: [values("recursions", [1, 2, 3]), values("latentSteps", [2, 4, 6])],
  regime: scarce,
  seeds: [0, 1, 2],
};
