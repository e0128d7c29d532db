/**
 * The train room's public API in one import (`@kit/train/mod.ts`).
 *
 * @module
 */
export * from "./arc_eval.ts";
export * from "./config.ts";
export * from "./divergence.ts";
export * from "./ema.ts";
export * from "./evaluate.ts";
export * from "./log_window.ts";
export * from "./loop.ts";
export * from "./loss.ts";
export * from "./memory.ts";
export * from "./metrics.ts";
export * from "./optim.ts";
export * from "./scores.ts";
export * from "./state.ts";
export * from "./step.ts";
export * from "./think.ts";
export * from "./think_batch.ts";
export * from "./think_point.ts";
export * from "./think_select.ts";
export * from "./think_summary.ts";
export * from "./trace.ts";
export * from "./trainer.ts";
