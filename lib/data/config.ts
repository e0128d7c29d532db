/**
 * Data configuration: which puzzles to train and evaluate on.
 *
 * @module
 */
import { ARC_MAX_SIZE, ARC_VOCAB_SIZE } from "./arc.ts";
import { MAZE_VOCAB_SIZE } from "./maze.ts";
import { defaultMinPath } from "./maze_generate.ts";
import { type SudokuSize, sudokuVocabSize } from "./sudoku.ts";

/** The puzzle task. */
export type Task = "sudoku" | "maze" | "arc";

/** Where puzzles come from. */
export interface DataConfig {
  /** The task: Sudoku (§5.2), Maze-Hard (§5.3) or ARC-AGI (§5.4). */
  task: Task;
  /** Sudoku grid side: 4 (2x2 boxes), 6 (2x3 boxes) or 9. */
  size: SudokuSize;
  /** Blank cells per generated Sudoku: the difficulty knob. */
  blanks: number;
  /** Reject generated Sudoku the solver finishes in fewer search nodes (0: no filter). */
  minNodes: number;
  /** Distinct generated training puzzles (the reference subsamples 1000); for ARC files, tasks used (0: all). */
  trainPuzzles: number;
  /** Distinct generated held-out puzzles, disjoint from training; for ARC, held-out tasks. */
  testPuzzles: number;
  /** Apply a fresh random validity-preserving augmentation to every training example (Sudoku: shuffle; maze: one of the 8 dihedral transforms; ARC: translation, see arcTranslate). */
  augment: boolean;
  /**
   * Sudoku and maze, with `augment`: keep each training puzzle with this many
   * augmented versions besides the original, drawn once from the data seed and
   * then served as they are (the reference's scheme: 1000 versions per puzzle).
   * 0: a fresh augmentation at every presentation instead (the kit's default).
   * ARC ignores it: its fixed versions are `arcAugmentations`.
   */
  augmentVersions: number;
  /**
   * Seed of the puzzles themselves (generation, file subsets, fixed augmented
   * versions), so that every run seed and every variant of a study trains and
   * is tested on the same puzzles. -1: the run seed.
   */
  dataSeed: number;
  /** Read training puzzles from this file (ARC: a folder of tasks or one file) instead of generating them ("" = generate). */
  trainPath: string;
  /** Read held-out puzzles from this file (ARC: evaluation tasks) instead of generating them ("" = generate). */
  testPath: string;
  /** Maze side (Maze-Hard: 30). */
  mazeSize: number;
  /** Keep generated mazes whose shortest path has more moves than this; -1: Maze-Hard's 110 scaled by area (size²/900). */
  mazeMinPath: number;
  /** ARC: augmented versions of each task besides the original, one puzzle id each (reference: 1000). */
  arcAugmentations: number;
  /** ARC: place training examples at random canvas offsets, all but one per puzzle (reference: yes). */
  arcTranslate: boolean;
  /** ARC: canvas side, so sequence length is its square (reference: 30; smaller for generated tasks on a CPU). */
  arcCanvas: number;
}

export const defaultDataConfig: DataConfig = {
  task: "sudoku",
  size: 9,
  blanks: 50,
  minNodes: 0,
  trainPuzzles: 1000,
  testPuzzles: 1000,
  augment: true,
  augmentVersions: 0,
  dataSeed: -1,
  trainPath: "",
  testPath: "",
  mazeSize: 30,
  mazeMinPath: -1,
  arcAugmentations: 1000,
  arcTranslate: true,
  arcCanvas: ARC_MAX_SIZE,
};

/** What the model needs from the data: vocabulary (PAD included) and tokens per example. */
export function dataShape(cfg: DataConfig): { vocabSize: number; seqLen: number } {
  switch (cfg.task) {
    case "sudoku":
      return { vocabSize: sudokuVocabSize(cfg.size), seqLen: cfg.size * cfg.size };
    case "maze":
      return { vocabSize: MAZE_VOCAB_SIZE, seqLen: cfg.mazeSize * cfg.mazeSize };
    case "arc":
      return { vocabSize: ARC_VOCAB_SIZE, seqLen: cfg.arcCanvas * cfg.arcCanvas };
  }
}

/** The maze hardness threshold in moves, with -1 resolved. */
export function mazeMinPath(cfg: DataConfig): number {
  return cfg.mazeMinPath < 0 ? defaultMinPath(cfg.mazeSize) : cfg.mazeMinPath;
}

/** The seed the puzzles are built from: `dataSeed`, or the run seed when it is -1. */
export function puzzleSeed(cfg: DataConfig, runSeed: number): number {
  return cfg.dataSeed >= 0 ? cfg.dataSeed : runSeed;
}

/** Cross-field checks of the data section; returns the problems found. */
export function dataProblems(cfg: DataConfig): string[] {
  const out: string[] = [];
  if (!(Number.isInteger(cfg.augmentVersions) && cfg.augmentVersions >= 0)) {
    out.push(`augmentVersions must be a non-negative integer, got ${cfg.augmentVersions}`);
  }
  if (cfg.augmentVersions > 0 && !cfg.augment) {
    out.push(`augmentVersions ${cfg.augmentVersions} needs augment true`);
  }
  if (!(Number.isInteger(cfg.dataSeed) && cfg.dataSeed >= -1)) {
    out.push(`dataSeed must be -1 (the run seed) or a non-negative integer, got ${cfg.dataSeed}`);
  }
  if (cfg.task === "sudoku") {
    const cells = cfg.size * cfg.size;
    if (!(cfg.blanks > 0 && cfg.blanks < cells)) {
      out.push(
        `blanks must be between 1 and ${cells - 1} for ${cfg.size}x${cfg.size}, got ${cfg.blanks}`,
      );
    }
  }
  if (cfg.task === "maze") {
    if (!(Number.isInteger(cfg.mazeSize) && cfg.mazeSize >= 3 && cfg.mazeSize <= 64)) {
      out.push(`mazeSize must be an integer from 3 to 64, got ${cfg.mazeSize}`);
    }
    if (!(Number.isInteger(cfg.mazeMinPath) && cfg.mazeMinPath >= -1)) {
      out.push(
        `mazeMinPath must be -1 (scaled Maze-Hard) or a non-negative integer, got ${cfg.mazeMinPath}`,
      );
    }
  }
  if (cfg.task === "arc") {
    if (!(Number.isInteger(cfg.arcCanvas) && cfg.arcCanvas >= 3 && cfg.arcCanvas <= ARC_MAX_SIZE)) {
      out.push(`arcCanvas must be an integer from 3 to ${ARC_MAX_SIZE}, got ${cfg.arcCanvas}`);
    }
    if (!(Number.isInteger(cfg.arcAugmentations) && cfg.arcAugmentations >= 0)) {
      out.push(`arcAugmentations must be a non-negative integer, got ${cfg.arcAugmentations}`);
    }
  }
  return out;
}
