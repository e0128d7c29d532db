/**
 * The model room's public API in one import (`@kit/model/mod.ts`).
 *
 * @module
 */
export * from "./config.ts";
export * from "./convert.ts";
export * from "./convert_arch.ts";
export * from "./convert_io.ts";
export * from "./create.ts";
export * from "./fused.ts";
export * from "./halting.ts";
export * from "./hrm.ts";
export * from "./init.ts";
export * from "./layers.ts";
export * from "./losses.ts";
export * from "./nograd.ts";
export * from "./tidy.ts";
export * from "./trm.ts";
