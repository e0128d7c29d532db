/**
 * Depth of the tiny network at (about) equal effective depth T(n+1)·layers.
 * Paper Table 1, "w/ 4-layers, n=3": 79.5% vs TRM's 87.4% (2 layers, n=6); a
 * 1-layer point extends it. At T=3 the depths are 42, 42 and 48.
 */
import { scarce } from "../run/regimes.ts";
import type { Study } from "../run/study.ts";

export const study: Study = {
  name: "ablation-depth",
  title: "Table 1: 2 layers n=6 (TRM) vs 4 layers n=3, plus 1 layer n=13",
  axes: [{
    name: "depth",
    points: [
      { label: "1 layer, n=13", set: { layers: 1, latentSteps: 13 } },
      { label: "2 layers, n=6", set: { layers: 2, latentSteps: 6 } },
      { label: "4 layers, n=3", set: { layers: 4, latentSteps: 3 } },
    ],
  }],
  regime: scarce,
  seeds: [0, 1, 2],
};
