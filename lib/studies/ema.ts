/**
 * Exponential moving average of the weights, evaluated with the EMA copy.
 * Paper Table 1, "no EMA": 79.9% vs 87.4% with it.
 *
 * EMA never feeds back into training, so "no EMA" needs no runs of its own:
 * every EMA run also scores its raw weights (`evalRaw`), and the comparison is
 * exactly paired, the same training read two ways. A run with `--ema false`
 * is that same training (lib/run/run_test.ts checks that the raw weights of
 * an EMA run score exactly as the run without EMA), at twice the cost.
 */
import { scarce } from "../run/regimes.ts";
import { type Study, values } from "../run/study.ts";

export const study: Study = {
  name: "ema",
  title: "Table 1: EMA (TRM) vs no EMA (its raw weights)",
  axes: [values("ema", [true])],
  rawVariant: { label: "no EMA (raw weights of the same runs)", set: { ema: false } },
  regime: scarce,
  seeds: [0, 1, 2],
};
