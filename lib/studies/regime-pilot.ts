/**
 * The scarce regime's pilot: does the base TRM fit its training puzzles while
 * held-out accuracy levels off? Two ways to keep data scarce, one seed each:
 * the 300 puzzles as they are (the regime), and the reference's scheme with 2
 * fixed augmented versions of each (900 training grids). The fit figure
 * (`results/figures/regime-pilot_fit.*`) is the regime's evidence.
 */
import { scarce } from "../run/regimes.ts";
import type { Study } from "../run/study.ts";

export const study: Study = {
  name: "regime-pilot",
  title: "Pilot of the scarce regime: 300 puzzles as they are vs with 2 fixed augmented versions",
  axes: [{
    name: "data",
    points: [
      { label: "300 puzzles", set: { augment: false, augmentVersions: 0 } },
      { label: "300 puzzles + 2 fixed versions", set: { augment: true, augmentVersions: 2 } },
    ],
  }],
  regime: scarce,
  seeds: [0],
};
