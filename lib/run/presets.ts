/**
 * Named presets: partial configs over the defaults (which are the paper's
 * Sudoku TRM-MLP recipe). Each says why it differs.
 *
 * @module
 */
import type { Config } from "../train/config.ts";

/** A partial config, section by section. */
export type Preset = { [K in keyof Config]?: Partial<Config[K]> };

/** Preset names. */
export const PRESETS = ["smoke", "cpu", "paper", "paperMaze", "paperArc"] as const;
export type PresetName = typeof PRESETS[number];

export const presets: Record<PresetName, Preset> = {
  // Seconds on 2 cores: tests and CI. 4x4 Sudoku, a 32-wide net, few steps.
  smoke: {
    // Maze / ARC at this preset (--task maze|arc): 6x6 mazes, generated ARC-like tasks on a 6x6 canvas.
    data: {
      size: 4,
      blanks: 8,
      trainPuzzles: 200,
      testPuzzles: 64,
      mazeSize: 6,
      arcCanvas: 6,
      arcAugmentations: 2,
    },
    model: {
      hiddenSize: 32,
      heads: 2,
      puzzlePrefix: 2,
      latentSteps: 2,
      recursions: 2,
      supervisionSteps: 4,
    },
    train: {
      batchSize: 16,
      steps: 30,
      lr: 3e-3,
      warmupSteps: 5,
      weightDecay: 0.1,
      puzzleLr: 1e-3,
      puzzleWeightDecay: 0.1,
      emaRate: 0.9,
      evalEvery: 0,
      evalLimit: 64,
      evalBatchSize: 64,
      checkpointEvery: 0,
      logEvery: 5,
    },
  },
  // A study that fits a 2-core laptop in about half an hour: 6x6 Sudoku with
  // many blanks, a 64-wide net, the paper's recursion shape scaled down.
  cpu: {
    // Maze / ARC at this preset (--task maze|arc): 10x10 mazes; generated ARC-like
    // tasks on a 10x10 canvas with 8 augmented versions each.
    data: {
      size: 6,
      blanks: 24,
      trainPuzzles: 3000,
      testPuzzles: 500,
      mazeSize: 10,
      arcCanvas: 10,
      arcAugmentations: 8,
    },
    model: {
      hiddenSize: 64,
      heads: 4,
      puzzlePrefix: 4,
      latentSteps: 4,
      recursions: 2,
      supervisionSteps: 8,
    },
    train: {
      batchSize: 64,
      steps: 100_000,
      timeBudgetMin: 25,
      lr: 1e-3,
      warmupSteps: 100,
      weightDecay: 0.1,
      puzzleLr: 1e-3,
      puzzleWeightDecay: 0.1,
      emaRate: 0.99,
      evalEvery: 500,
      evalLimit: 200,
      evalBatchSize: 250,
      checkpointEvery: 250,
      logEvery: 10,
    },
  },
  // The published recipe (TRM README, Sudoku-Extreme, TRM-MLP): batch 768,
  // lr 1e-4, weight decay 1.0, EMA 0.999, about 78k steps (60k epochs of 1000
  // puzzles). Point data.trainPath/testPath at Sudoku-Extreme for the real thing.
  paper: {},
  // Maze-Hard, TRM-Att (TRM README): 30x30 mazes, attention with RoPE, n=4, lr 1e-4, wd 1.0.
  // The reference builds Maze-Hard without augmentation. Point trainPath/testPath at its CSVs.
  paperMaze: {
    data: { task: "maze", mazeSize: 30, augment: false },
    model: { mixer: "attention", posEncoding: "rope", latentSteps: 4 },
  },
  // ARC-AGI, TRM-Att: 1000 augmented versions per task, n=4, embedding lr 1e-2, wd 0.1,
  // about 519k steps at batch 768 (4 H100s, ~3 days). Point trainPath at the ARC tasks.
  paperArc: {
    data: { task: "arc", arcAugmentations: 1000, arcCanvas: 30 },
    model: { mixer: "attention", posEncoding: "rope", latentSteps: 4 },
    train: { puzzleLr: 1e-2, weightDecay: 0.1, puzzleWeightDecay: 0.1, steps: 519_000 },
  },
};
