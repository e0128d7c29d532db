/**
 * The util room's public API in one import (`@kit/util/mod.ts`).
 *
 * @module
 */
export * from "./assert.ts";
export * from "./fs.ts";
export * from "./machine.ts";
export * from "./prng.ts";
export * from "./safetensors.ts";
