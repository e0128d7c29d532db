/**
 * Every declared study, by name (`deno task sweep <name>`). One file per
 * study; add new ones here.
 *
 * @module
 */
import type { Study } from "@kit/run/study.ts";
import { study as ablationDepth } from "./ablation-depth.ts";
import { study as ema } from "./ema.ts";
import { study as gradient } from "./gradient.ts";
import { study as halting } from "./halting.ts";
import { study as hrmVsTrm } from "./hrm-vs-trm.ts";
import { study as latentFeatures } from "./latent-features.ts";
import { study as mixer } from "./mixer.ts";
import { study as networks } from "./networks.ts";
import { study as recursionGrid } from "./recursion-grid.ts";

export const STUDIES: Readonly<Record<string, Study>> = Object.fromEntries(
  [ablationDepth, ema, gradient, halting, hrmVsTrm, latentFeatures, mixer, networks, recursionGrid]
    .map((s) => [s.name, s]),
);
