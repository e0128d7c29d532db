/**
 * Exponential moving average of the weights, evaluated with the EMA copy.
 * Paper Table 1, "no EMA": 79.9% vs 87.4% with it.
 */
import { type Study, values } from "@kit/run/study.ts";

export const study: Study = {
  name: "ema",
  title: "Table 1: EMA (TRM) vs no EMA",
  axes: [values("ema", [true, false])],
  seeds: [0, 1, 2],
};
