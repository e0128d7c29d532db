/**
 * The kit's training step at one bench shape: a Trainer on generated Sudoku
 * puzzles of the shape's size, and one step of it, waited for.
 *
 * @module
 */
import { generateSudokuSet, Sampler, type SudokuPuzzle } from "@kit/data/mod.ts";
import type { Config } from "@kit/run/mod.ts";
import { Trainer } from "@kit/train/mod.ts";
import { Prng } from "@kit/util/mod.ts";

/** A trainer at one shape, its puzzles, and its step. */
export interface ShapeStep {
  trainer: Trainer;
  /** At least one batch of puzzles (fixed: the step's cost does not depend on them). */
  puzzles: SudokuPuzzle[];
  /** One training step, waited for as the anchor's `.backward()`/`.step()` are. */
  step(): Promise<void>;
  dispose(): void;
}

/** A Trainer for `cfg` (from `shapeConfig`) on puzzles of its Sudoku size, seeds fixed. */
export function shapeStep(cfg: Config): ShapeStep {
  const b = cfg.train.batchSize;
  const puzzles = generateSudokuSet(Math.max(64, b), {
    size: cfg.data.size,
    blanks: cfg.data.blanks,
    prng: new Prng(0),
  });
  const trainer = new Trainer(cfg, new Sampler(puzzles, { augment: false, seed: 0 }));
  return {
    trainer,
    puzzles,
    step: async () => {
      const r = trainer.trainStep();
      await r.data();
      r.dispose();
    },
    dispose: () => trainer.dispose(),
  };
}
