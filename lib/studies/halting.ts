/**
 * The halting head: TRM's single BCE "answer is right" logit, HRM's Q-learning
 * ACT with a continue logit (an extra forward pass), or no halting loss.
 * Paper Table 1, "w/ ACT (continue loss)": 86.1% vs 87.4%.
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "halting",
  title: "Table 1: BCE halting (TRM) vs w/ ACT (continue loss) vs none",
  axes: [values("halting", ["bce", "qAct", "none"])],
  regime: scarce,
  seeds: [0, 1, 2],
};
