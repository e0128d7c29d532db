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

/**
 * The settings of the kit's measured `cpu` studies (README, Results): a fixed
 * number of optimiser steps per run instead of the preset's 25-minute budget
 * (so variants are compared at equal steps, as the paper compares them at equal
 * epochs), 20 blanks, one wasm thread (studies side by side), evaluation only
 * at the end. Notebooks pass them at the cpu preset so they reuse those runs.
 */
export const CPU_STUDY_FLAGS: readonly string[] = [
  "--timeBudgetMin",
  "0",
  "--blanks",
  "20",
  "--evalEvery",
  "0",
  "--checkpointEvery",
  "100",
  "--threads",
  "1",
];

/**
 * `CPU_STUDY_FLAGS` plus what each study needed: 400 steps; micro-batches of
 * 32 where T(n+1)·layers blocks at batch 64 exceed the 2 GB memory limit; the
 * 9-point grid at half the batch and 300 steps, which is what fit.
 */
export function cpuStudyFlags(study: string): string[] {
  const extra: Record<string, string[]> = {
    "ablation-depth": ["--steps", "400", "--accumulate", "2"],
    "hrm-vs-trm": ["--steps", "400", "--accumulate", "2"],
    "recursion-grid": ["--steps", "300", "--batchSize", "32"],
  };
  return [...CPU_STUDY_FLAGS, ...(extra[study] ?? ["--steps", "400"])];
}
