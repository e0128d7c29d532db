/**
 * HRM against TRM as in paper Table 1: HRM (two 4-layer modules, T=2, n=2,
 * 1-step gradient, Q-learning ACT; depth 24) at 55.0% vs TRM (one 2-layer
 * net, T=3, n=6; depth 42) at 87.4%. Table 3's depth-matched grid is a
 * study of its own.
 */
import { scarce } from "../run/regimes.ts";
import type { Study } from "../run/study.ts";

export const study: Study = {
  name: "hrm-vs-trm",
  title: "Table 1: HRM vs TRM (T=3, n=6)",
  axes: [{
    name: "model",
    points: [
      { label: "TRM", set: { arch: "trm", layers: 2, recursions: 3, latentSteps: 6 } },
      {
        label: "HRM",
        set: {
          arch: "hrm",
          networks: "separate",
          gradient: "oneStep",
          halting: "qAct",
          layers: 4,
          recursions: 2,
          latentSteps: 2,
        },
      },
    ],
  }],
  regime: scarce,
  seeds: [0, 1, 2],
};
