/**
 * The kit in one import, room by room: `import { kit } from "@kit/mod.ts"` is
 * not needed; import the room you use (`@kit/backend/mod.ts`,
 * `@kit/data/mod.ts`, `@kit/model/mod.ts`, `@kit/train/mod.ts`,
 * `@kit/run/mod.ts`, `@kit/studies/mod.ts`, `@kit/report/mod.ts`), or
 * everything from here.
 *
 * @module
 */
export * as util from "./util/mod.ts";
export * as backend from "./backend/mod.ts";
export * as data from "./data/mod.ts";
export * as model from "./model/mod.ts";
export * as train from "./train/mod.ts";
export * as run from "./run/mod.ts";
export * as studies from "./studies/mod.ts";
export * as report from "./report/mod.ts";
