/**
 * How many features the recursion carries. Paper Table 2: y and z (TRM, 2
 * features) 87.4%; multi-scale z (n+1 features) 77.6%; a single z 71.9%.
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "latent-features",
  title: "Table 2: y,z (TRM) vs multi-scale z vs single z",
  axes: [values("latentMode", ["pair", "multiScale", "single"])],
  regime: scarce,
  seeds: [0, 1, 2],
};
