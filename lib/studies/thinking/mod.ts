/**
 * Evaluation studies of test-time compute ("thinking longer"), declared as
 * data like the training studies but training nothing: `deno task think
 * <name>` runs them, `deno task report` rebuilds their tables and figures
 * from results/thinking/. One file per study; add new ones here.
 *
 * @module
 */
import type { ThinkingStudy } from "./declare.ts";
import { study as thinking } from "./thinking.ts";

export * from "./declare.ts";
export * from "./heldout.ts";
export * from "./run.ts";

export const THINKING_STUDIES: Readonly<Record<string, ThinkingStudy>> = Object.fromEntries(
  [thinking].map((s) => [s.name, s]),
);
