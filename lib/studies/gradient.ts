/**
 * What the gradient flows through: the whole last recursion (TRM) or only its
 * last latent and answer updates (HRM's 1-step approximation).
 * Paper Table 1, "w/ 1-step gradient": 56.5% vs 87.4%.
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "gradient",
  title: "Table 1: full last recursion (TRM) vs w/ 1-step gradient",
  axes: [values("gradient", ["lastRecursion", "oneStep"])],
  regime: scarce,
  seeds: [0, 1, 2],
};
