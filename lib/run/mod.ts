/**
 * The run room's public API in one import (`@kit/run/mod.ts`).
 *
 * @module
 */
export * from "./claim.ts";
export * from "./cli.ts";
export * from "./config.ts";
export * from "./load.ts";
export * from "./presets.ts";
export * from "./progress.ts";
export * from "./regimes.ts";
export * from "./results.ts";
export * from "./run.ts";
export * from "./run_id.ts";
export * from "./slurm.ts";
export * from "./status.ts";
export * from "./study.ts";
export * from "./sweep.ts";
