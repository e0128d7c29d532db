/**
 * Token mixing: the MLP over the sequence axis (TRM-MLP, Sudoku) against
 * self-attention with rotary positions (TRM-Att). Paper Table 1, "w/
 * self-attention": 74.7% vs 87.4% on Sudoku-Extreme.
 */
import { scarce } from "../run/regimes.ts";
import type { Study } from "../run/study.ts";

export const study: Study = {
  name: "mixer",
  title: "Table 1: MLP mixer (TRM) vs w/ self-attention",
  axes: [{
    name: "mixer",
    points: [
      { label: "mlp", set: { mixer: "mlp", posEncoding: "none" } },
      { label: "attention", set: { mixer: "attention", posEncoding: "rope" } },
    ],
  }],
  regime: scarce,
  seeds: [0, 1, 2],
};
