/**
 * ARC tasks as training and test data (reference `build_arc_dataset.py`):
 * fixed augmented versions of each task with one puzzle identifier each, the
 * split rule, and the examples the sampler and the evaluator see.
 *
 * - Every task gets the original plus up to `augmentations` distinct random
 *   versions (a dihedral transform and a colour permutation with black
 *   fixed; the reference makes 1000). Version k of a task has puzzle id
 *   `firstId + k`; id 0 is the reference's "<blank>" and is never used.
 * - Training tasks put all their pairs in training. Evaluation tasks put
 *   their demonstration pairs in training and their test pairs in the test
 *   split, under the same ids: the reference folds this test-time training
 *   into pre-training.
 * - Training examples of a puzzle are placed at random offsets on the canvas,
 *   except one at (0, 0), drawn afresh each time (the reference draws them
 *   once when building); test examples sit at (0, 0).
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import { type ArcPair, type ArcTask, cropArcGrid, encodeArcGrid } from "./arc.ts";
import {
  augmentGrid,
  type Grid,
  type GridAugmentation,
  gridKey,
  gridsEqual,
  IDENTITY_AUGMENTATION,
  invertGridAugmentation,
  randomAugmentation,
  randomColourMap,
} from "./augment.ts";

/** The pairs of one task in one split, with its augmented versions and their ids. */
export interface ArcGroup {
  kind: "arc";
  /** Task id. */
  name: string;
  /** Pairs with outputs. */
  pairs: ArcPair[];
  /** versions[0] is the identity. */
  versions: GridAugmentation[];
  /** Puzzle id of version 0; version k has firstId + k. */
  firstId: number;
  /** Canvas side (30 in the reference). */
  canvas: number;
  /** Random offsets for all examples but one (training split only). */
  translate: boolean;
}

/**
 * The identity and up to `count` distinct random augmentations of a task,
 * skipping repeats by a key of all its augmented grids (tried 5·count times,
 * as the reference).
 */
export function arcVersions(task: ArcTask, count: number, prng: Prng): GridAugmentation[] {
  const grids = [...task.train, ...task.test].flatMap((
    p,
  ) => (p.output ? [p.input, p.output] : [p.input]));
  const keyOf = (a: GridAugmentation) => grids.map((g) => gridKey(augmentGrid(g, a))).join("|");
  const seen = new Set([keyOf(IDENTITY_AUGMENTATION)]);
  const out = [IDENTITY_AUGMENTATION];
  for (let tries = 0; tries < 5 * count && out.length <= count; tries++) {
    const a = randomAugmentation(prng);
    const key = keyOf(a);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

/** Options of {@link arcGroups}. */
export interface ArcSplitOptions {
  /** Augmented versions per task besides the original (reference: 1000). */
  augmentations: number;
  /** Random offsets in training (reference: yes). */
  translate: boolean;
  /** Canvas side; every grid must fit (reference: 30). */
  canvas: number;
  prng: Prng;
}

/**
 * Training and test groups from training tasks and evaluation tasks (see the
 * module doc), and the size of the puzzle-embedding table they need.
 */
export function arcGroups(
  trainTasks: readonly ArcTask[],
  evalTasks: readonly ArcTask[],
  opts: ArcSplitOptions,
): { train: ArcGroup[]; test: ArcGroup[]; numPuzzleIds: number } {
  const train: ArcGroup[] = [], test: ArcGroup[] = [];
  let nextId = 1;
  const group = (
    task: ArcTask,
    pairs: ArcPair[],
    versions: GridAugmentation[],
    firstId: number,
    translate: boolean,
  ) => {
    for (const [i, p] of pairs.entries()) {
      for (const g of [p.input, p.output!]) {
        if (g.rows > opts.canvas || g.cols > opts.canvas) {
          throw new Error(
            `${task.file}: task ${task.id} pair ${
              i + 1
            } has a ${g.rows}x${g.cols} grid, over the ${opts.canvas}x${opts.canvas} canvas`,
          );
        }
      }
    }
    return {
      kind: "arc" as const,
      name: task.id,
      pairs,
      versions,
      firstId,
      canvas: opts.canvas,
      translate,
    };
  };
  for (const [tasks, isEval] of [[trainTasks, false], [evalTasks, true]] as const) {
    for (const task of tasks) {
      const versions = arcVersions(task, opts.augmentations, opts.prng);
      const solved = task.test.filter((p) => p.output);
      if (isEval && solved.length < task.test.length) {
        throw new Error(`${task.file}: evaluation task ${task.id} has test inputs without outputs`);
      }
      const trainPairs = isEval ? task.train : [...task.train, ...solved];
      train.push(group(task, trainPairs, versions, nextId, opts.translate));
      if (isEval) test.push(group(task, task.test, versions, nextId, false));
      nextId += versions.length;
    }
  }
  return { train, test, numPuzzleIds: nextId };
}

/** Encoded examples: inputs and labels [count, canvas²] and one puzzle id each. */
export interface ArcExamples {
  inputs: Int32Array[];
  labels: Int32Array[];
  puzzleIds: number[];
}

/** A random offset at which both grids fit the canvas. */
function randomOffset(a: Grid, b: Grid, canvas: number, prng: Prng): [number, number] {
  return [
    prng.int(canvas - Math.max(a.rows, b.rows) + 1),
    prng.int(canvas - Math.max(a.cols, b.cols) + 1),
  ];
}

/**
 * One puzzle of a group for training, as the reference's sampler takes it:
 * a random version, all its pairs in random order, translated (but one).
 */
export function drawArcPuzzle(g: ArcGroup, prng: Prng): ArcExamples {
  const k = prng.int(g.versions.length);
  const a = g.versions[k]!;
  const order = prng.permutation(g.pairs.length);
  const still = g.translate ? prng.int(g.pairs.length) : -1;
  const out: ArcExamples = { inputs: [], labels: [], puzzleIds: [] };
  for (const i of order) {
    const p = g.pairs[i]!;
    const input = augmentGrid(p.input, a), output = augmentGrid(p.output!, a);
    const offset: [number, number] = g.translate && i !== still
      ? randomOffset(input, output, g.canvas, prng)
      : [0, 0];
    out.inputs.push(encodeArcGrid(input, { canvas: g.canvas, offset }));
    out.labels.push(encodeArcGrid(output, { canvas: g.canvas, offset }));
    out.puzzleIds.push(g.firstId + k);
  }
  return out;
}

/** Where a test example came from: group, version and pair indices. */
export interface ArcExampleSource {
  group: number;
  version: number;
  pair: number;
}

/** Every version of every test pair at (0, 0), in group, version, pair order, with its source. */
export function arcTestExamples(
  groups: readonly ArcGroup[],
): ArcExamples & { sources: ArcExampleSource[] } {
  const out = {
    inputs: [] as Int32Array[],
    labels: [] as Int32Array[],
    puzzleIds: [] as number[],
    sources: [] as ArcExampleSource[],
  };
  groups.forEach((g, group) => {
    g.versions.forEach((a, version) => {
      g.pairs.forEach((p, pair) => {
        out.inputs.push(encodeArcGrid(augmentGrid(p.input, a), { canvas: g.canvas }));
        out.labels.push(encodeArcGrid(augmentGrid(p.output!, a), { canvas: g.canvas }));
        out.puzzleIds.push(g.firstId + version);
        out.sources.push({ group, version, pair });
      });
    });
  });
  return out;
}

/**
 * Checks that every augmentation of a task's grids is undone exactly: each of
 * the 8 dihedral transforms with a random colour permutation, then inverted;
 * and the canvas encoding cropped back, at (0, 0) and at a random offset.
 * Returns the first failure, or null.
 */
export function checkArcRoundTrips(task: ArcTask, prng: Prng, canvas = 30): string | null {
  const grids = [...task.train, ...task.test].flatMap((p, i) =>
    (p.output ? [p.input, p.output] : [p.input]).map((g, k) => ({
      g,
      name: `pair ${i + 1} ${k ? "output" : "input"}`,
    }))
  );
  for (let d = 0; d < 8; d++) {
    const a: GridAugmentation = {
      dihedral: d as GridAugmentation["dihedral"],
      colours: randomColourMap(prng),
    };
    for (const { g, name } of grids) {
      const t = augmentGrid(g, a);
      if (!gridsEqual(invertGridAugmentation(t, a), g)) {
        return `${name}: augmentation t${d} does not invert`;
      }
      const at: [number, number] = [prng.int(canvas - t.rows + 1), prng.int(canvas - t.cols + 1)];
      for (const offset of [[0, 0], at] as [number, number][]) {
        const back = cropArcGrid(encodeArcGrid(t, { canvas, offset }), { canvas, offset });
        if (!gridsEqual(back, t)) {
          return `${name}: encoding at (${offset}) does not crop back (t${d})`;
        }
      }
    }
  }
  return null;
}
