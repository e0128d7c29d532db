/**
 * The backend room's public API in one import (`@kit/backend/mod.ts`): the
 * TensorFlow.js backend chosen once per process (backend.ts), OpenBLAS for
 * the wasm backend's matrix products (blas.ts), fused native kernels for
 * its elementwise work (native.ts), the wasm kernels replaced
 * (wasm_kernels.ts) and its threads (wasm_threads.ts), and the kernels of the
 * network's parts that the model reads (kernels.ts, fast_layers.ts). It sits
 * just above util and imports nothing else of the kit: the model asks it
 * which kernels run; no other room flips switches in the model.
 *
 * @module
 */
export * from "./backend.ts";
export * from "./blas.ts";
export * from "./fast_layers.ts";
export * from "./kernels.ts";
export * from "./native.ts";
export * from "./wasm_kernels.ts";
export * from "./wasm_threads.ts";
