/**
 * Regimes: the settings under which a study's variants are compared, each
 * declared once. A regime is a set of overrides of one preset; a study that
 * names it runs under it at that preset, and as plainly configured at any other
 * (smoke for tests, paper for the real thing).
 *
 * Why regimes exist: the paper explains its orderings by overfitting on scarce
 * data (1000 training puzzles with 1000 fixed augmented versions each, trained
 * until fitted). A budget of a few hundred steps on plentiful fresh data
 * compares how fast variants start learning instead, with every run on the
 * steep part of its curve.
 *
 * @module
 */
/** Config overrides, keyed by leaf name or alias (as on the command line). */
export type Overrides = Readonly<Record<string, string | number | boolean>>;

/** A declared regime. */
export interface Regime {
  name: string;
  /** What it is, in one line, for tables and notebooks. */
  title: string;
  /** The preset it overrides; at other presets the study ignores the regime. */
  preset: string;
  set: Overrides;
}

/**
 * Scarce data, as the paper: 300 generated 6x6 puzzles (24 blanks) kept as
 * they are, weight decay 1.0 (the paper's Sudoku value), 2000 steps at batch
 * 64, which fits the training puzzles while held-out accuracy levels off
 * (pilot: README, Results). The puzzles, and the 2000 held-out ones, come from
 * data seed 1000, the same for every run seed and every variant. Evaluation
 * every 250 steps on 500 held-out and 250 training puzzles, with the raw
 * weights beside EMA's; the final one on all 2000. One wasm thread per run:
 * on 2 cores two runs side by side finish 1.8x more steps per hour than one
 * run with 2 threads (README), and the thread count changes fp32 rounding, so
 * it is part of what makes two runs comparable.
 */
export const scarce: Regime = {
  name: "scarce",
  title: "300 fixed 6x6 puzzles, 2000 steps, 2000 held-out puzzles, data seed 1000",
  preset: "cpu",
  set: {
    dataSeed: 1000,
    trainPuzzles: 300,
    testPuzzles: 2000,
    augment: false,
    weightDecay: 1.0,
    steps: 2000,
    timeBudgetMin: 0,
    evalEvery: 250,
    evalLimit: 500,
    evalTrain: 250,
    evalRaw: true,
    checkpointEvery: 250,
    threads: 1,
    // The paper's shape (T=3, n=6) needs 2.1 GB a step at batch 64; two runs side by side fit in 24 GB.
    memoryLimitMb: 4096,
  },
};

/** Every regime, by name. */
export const REGIMES: Readonly<Record<string, Regime>> = { scarce };
