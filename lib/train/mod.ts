/**
 * The train room's public API in one import (`@kit/train/mod.ts`).
 *
 * @module
 */
export * from "./arc_eval.ts";
export * from "./backend.ts";
export * from "./blas.ts";
export * from "./config.ts";
export * from "./ema.ts";
export * from "./evaluate.ts";
export * from "./memory.ts";
export * from "./metrics.ts";
export * from "./optim.ts";
export * from "./state.ts";
export * from "./think.ts";
export * from "./think_batch.ts";
export * from "./think_select.ts";
export * from "./think_summary.ts";
export * from "./trace.ts";
export * from "./trainer.ts";
export * from "./wasm_kernels.ts";
export * from "./wasm_threads.ts";
