/**
 * Puzzle sets for training and evaluation, for every task (Sudoku, Maze,
 * ARC): generated from the data seed or read from files, held-out puzzles kept
 * apart from training ones. Encoding is in `encoding.ts`, the training
 * sampler in `sampling.ts`.
 *
 * The reference pre-builds 1000 augmented copies of each training puzzle;
 * for Sudoku and Maze the kit by default instead draws a fresh augmentation
 * for every example it serves, which has the same distribution but not the
 * same scarcity: a model cannot memorise versions it never sees twice. With
 * `augmentVersions` K > 0 it builds the reference's fixed set instead: each
 * puzzle and K versions of it, drawn once from the data seed. ARC's augmented
 * versions are always fixed, because each one has its own puzzle identifier
 * (see `arc_dataset.ts`); its translations are drawn fresh.
 *
 * @module
 */
import { Prng } from "../util/prng.ts";
import { loadArc } from "./arc.ts";
import { arcGroups } from "./arc_dataset.ts";
import { generateArcTasks } from "./arc_tasks.ts";
import { type DataConfig, dataShape, mazeMinPath, puzzleSeed, type Task } from "./config.ts";
import { mazeKey } from "./maze.ts";
import { generateMazeSet } from "./maze_generate.ts";
import { loadMazeFile } from "./maze_io.ts";
import { augmentPuzzle, type GridPuzzle, type TaskPuzzle } from "./puzzles.ts";
import { puzzleKey } from "./sudoku.ts";
import { generateSudokuSet } from "./sudoku_generate.ts";
import { DataFormatError, loadSudokuFileStrict } from "./sudoku_io.ts";

/** The puzzles of one task, with what the model needs to know about them. */
export interface TaskData {
  task: Task;
  vocabSize: number;
  seqLen: number;
  train: TaskPuzzle[];
  test: TaskPuzzle[];
  /** Rows the puzzle-embedding table needs (1 for Sudoku and Maze: the shared "<blank>" id 0). */
  numPuzzleIds: number;
  /** Where the puzzles came from, for run records. */
  source: string;
}

type Progress = (what: string, done: number, total: number) => void;

/**
 * Builds the training and held-out puzzles: read from files when paths are
 * given, else generated (held-out puzzles disjoint from training), from the
 * data seed (`dataSeed`, or `runSeed` when it is -1). With `augmentVersions`
 * the training set is the originals first, then their fixed versions.
 */
export async function loadTaskData(
  cfg: DataConfig,
  runSeed: number,
  onProgress?: Progress,
): Promise<TaskData> {
  const seed = puzzleSeed(cfg, runSeed);
  switch (cfg.task) {
    case "sudoku":
      return withVersions(await loadSudokuData(cfg, seed, onProgress), cfg, seed);
    case "maze":
      return withVersions(await loadMazeData(cfg, seed, onProgress), cfg, seed);
    case "arc":
      return loadArcData(cfg, seed);
  }
}

/** Whether the sampler draws a fresh augmentation per example (not with fixed versions). */
export function freshAugment(cfg: DataConfig): boolean {
  return cfg.augment && (cfg.task === "arc" || cfg.augmentVersions === 0);
}

/**
 * The reference's fixed augmentation: every training puzzle, then K versions
 * of each, drawn once from the data seed (versions k of all puzzles in turn,
 * so the first N puzzles are always the originals).
 */
function withVersions(data: TaskData, cfg: DataConfig, seed: number): TaskData {
  const k = cfg.augment ? cfg.augmentVersions : 0;
  if (k === 0) return data;
  const prng = new Prng(seed * 7919 + 6);
  const originals = data.train as GridPuzzle[];
  const versions: TaskPuzzle[] = [];
  for (let v = 0; v < k; v++) {
    for (const p of originals) {
      versions.push(augmentPuzzle(p, prng));
    }
  }
  const source = `${data.source}, ${k} fixed augmented versions of each training puzzle`;
  return { ...data, train: [...originals, ...versions], source };
}

async function loadSudokuData(
  cfg: DataConfig,
  seed: number,
  onProgress?: Progress,
): Promise<TaskData> {
  const gen = (count: number, stream: number, exclude?: Set<string>) =>
    generateSudokuSet(count, {
      size: cfg.size,
      blanks: cfg.blanks,
      minNodes: cfg.minNodes || undefined,
      prng: new Prng(seed * 7919 + stream),
      exclude,
      onProgress: (d, t) => onProgress?.(stream === 1 ? "train puzzles" : "test puzzles", d, t),
    });
  const train = cfg.trainPath
    ? sample(await loadSudokuFileStrict(cfg.trainPath), cfg.trainPuzzles, seed * 7919 + 3)
    : gen(cfg.trainPuzzles, 1);
  const test = cfg.testPath
    ? sample(await loadSudokuFileStrict(cfg.testPath), cfg.testPuzzles, seed * 7919 + 4)
    : gen(cfg.testPuzzles, 2, new Set(train.map(puzzleKey)));
  const size = train[0]?.size ?? cfg.size;
  checkSizes(train, test, size);
  const source = cfg.trainPath
    ? `files ${cfg.trainPath} / ${cfg.testPath || "(generated)"}`
    : `generated ${size}x${size}, ${cfg.blanks} blanks, seed ${seed}`;
  const shape = dataShape({ ...cfg, size });
  return { task: "sudoku", ...shape, train, test, numPuzzleIds: 1, source };
}

async function loadMazeData(
  cfg: DataConfig,
  seed: number,
  onProgress?: Progress,
): Promise<TaskData> {
  const minPath = mazeMinPath(cfg);
  const gen = (count: number, stream: number, exclude?: Set<string>) =>
    generateMazeSet(count, {
      size: cfg.mazeSize,
      minPath,
      prng: new Prng(seed * 7919 + stream),
      exclude,
      onProgress: (d, t) => onProgress?.(stream === 1 ? "train mazes" : "test mazes", d, t),
    });
  const read = async (path: string, count: number, stream: number) => {
    const { puzzles, rejected } = await loadMazeFile(path);
    const first = rejected[0];
    if (first) throw new DataFormatError(path, first.line, first.reason, rejected.length - 1);
    return sample(puzzles, count, seed * 7919 + stream);
  };
  const train = cfg.trainPath
    ? await read(cfg.trainPath, cfg.trainPuzzles, 3)
    : gen(cfg.trainPuzzles, 1);
  const test = cfg.testPath
    ? await read(cfg.testPath, cfg.testPuzzles, 4)
    : gen(cfg.testPuzzles, 2, new Set(train.map(mazeKey)));
  checkSizes(train, test, cfg.mazeSize, " (set mazeSize to the files' size)");
  const source = cfg.trainPath
    ? `files ${cfg.trainPath} / ${cfg.testPath || "(generated)"}`
    : `generated ${cfg.mazeSize}x${cfg.mazeSize} mazes, paths over ${minPath} moves, seed ${seed}`;
  return { task: "maze", ...dataShape(cfg), train, test, numPuzzleIds: 1, source };
}

/**
 * ARC tasks from `trainPath` (or generated), evaluation tasks from `testPath`
 * (or, without it, `testPuzzles` tasks held out of the training tasks: their
 * demonstrations stay in training, their test pairs are the test split).
 */
async function loadArcData(cfg: DataConfig, seed: number): Promise<TaskData> {
  const read = async (path: string) => {
    const { tasks, rejected } = await loadArc(path);
    if (rejected.length) {
      const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more bad tasks)` : "";
      throw new Error(`${rejected[0]!.reason}${more}`);
    }
    return tasks;
  };
  const maxSize = Math.min(cfg.arcCanvas, 10);
  let train = cfg.trainPath
    ? sample(await read(cfg.trainPath), cfg.trainPuzzles, seed * 7919 + 3)
    : generateArcTasks(cfg.trainPuzzles, {
      prng: new Prng(seed * 7919 + 1),
      maxSize,
      prefix: "train",
    });
  let evalTasks = cfg.testPath
    ? sample(await read(cfg.testPath), cfg.testPuzzles, seed * 7919 + 4)
    : cfg.trainPath
    ? []
    : generateArcTasks(cfg.testPuzzles, {
      prng: new Prng(seed * 7919 + 2),
      maxSize,
      prefix: "test",
    });
  if (cfg.trainPath && !cfg.testPath) {
    const held = new Set(sample(train.map((_, i) => i), cfg.testPuzzles, seed * 7919 + 4));
    evalTasks = train.filter((_, i) => held.has(i));
    train = train.filter((_, i) => !held.has(i));
  }
  const { train: trainGroups, test, numPuzzleIds } = arcGroups(train, evalTasks, {
    augmentations: cfg.arcAugmentations,
    translate: cfg.augment && cfg.arcTranslate,
    canvas: cfg.arcCanvas,
    prng: new Prng(seed * 7919 + 5),
  });
  if (test.length === 0) throw new Error("no held-out ARC tasks (set testPath or testPuzzles)");
  const source = `${cfg.trainPath || "generated tasks"} / ${cfg.testPath || "(held out)"}: ` +
    `${train.length} + ${evalTasks.length} tasks, ${cfg.arcAugmentations} augmentations, seed ${seed}`;
  return { task: "arc", ...dataShape(cfg), train: trainGroups, test, numPuzzleIds, source };
}

/** One grid size per set, the one the model was configured for. */
function checkSizes(
  train: { size: number }[],
  test: { size: number }[],
  size: number,
  hint = "",
): void {
  for (const [name, set] of [["training", train], ["held-out", test]] as const) {
    if (set.length === 0) throw new Error(`no ${name} puzzles`);
    const other = set.find((p) => p.size !== size);
    if (other) {
      throw new Error(
        `${name} puzzles mix ${size}x${size} and ${other.size}x${other.size} grids${hint}`,
      );
    }
  }
}

/**
 * A seeded random subset of `count` puzzles from a file, in file order (the
 * reference draws its 1000 training puzzles at random, unseeded); 0 = all.
 */
function sample<T>(rows: T[], count: number, seed: number): T[] {
  if (count <= 0 || count >= rows.length) return rows;
  const keep = new Prng(seed).permutation(rows.length).slice(0, count).sort((a, b) => a - b);
  return keep.map((i) => rows[i]!);
}
