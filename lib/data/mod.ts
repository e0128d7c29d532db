/**
 * The data room's public API in one import (`@kit/data/mod.ts`).
 *
 * @module
 */
export * from "./arc.ts";
export * from "./arc_dataset.ts";
export * from "./arc_tasks.ts";
export * from "./augment.ts";
export * from "./batches.ts";
export * from "./config.ts";
export * from "./maze.ts";
export * from "./maze_io.ts";
export * from "./starts.ts";
export * from "./sudoku.ts";
export * from "./sudoku_io.ts";
export * from "./verify.ts";
export * from "./vote.ts";
