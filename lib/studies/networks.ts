/**
 * One shared network for the latent and answer updates (TRM) against separate
 * f_L and f_H (HRM style, twice the parameters).
 * Paper Table 1, "w/ separate fH, fL": 82.4% vs 87.4%.
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "networks",
  title: "Table 1: shared net (TRM) vs w/ separate fH, fL",
  axes: [values("networks", ["shared", "separate"])],
  regime: scarce,
  seeds: [0, 1, 2],
};
