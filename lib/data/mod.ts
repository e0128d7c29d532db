/**
 * The data room's public API in one import (`@kit/data/mod.ts`).
 *
 * @module
 */
export * from "./arc.ts";
export * from "./arc_dataset.ts";
export * from "./arc_tasks.ts";
export * from "./augment.ts";
export * from "./config.ts";
export * from "./datasets.ts";
export * from "./encoding.ts";
export * from "./maze.ts";
export * from "./maze_augment.ts";
export * from "./maze_generate.ts";
export * from "./maze_io.ts";
export * from "./maze_solve.ts";
export * from "./puzzles.ts";
export * from "./sampling.ts";
export * from "./starts.ts";
export * from "./sudoku.ts";
export * from "./sudoku_augment.ts";
export * from "./sudoku_generate.ts";
export * from "./sudoku_io.ts";
export * from "./sudoku_solve.ts";
export * from "./verify.ts";
export * from "./vote.ts";
