/**
 * A study, declared as data: base overrides, axes of labelled points (crossed),
 * and seeds; and its expansion into runs, each named by its resolved config.
 *
 * A run's identity is its resolved config, seed included (run_id.ts), so its
 * folder is `<results>/runs/<runId>/` and two studies that share a point share
 * the run. Expansion resolves every point up front, so a typo in a study file
 * fails before anything trains.
 *
 * @module
 */
import { type Config, findKey, resolveConfig } from "./config.ts";
import type { Overrides, Regime } from "./regimes.ts";
import { defaultRunFolder } from "./run_id.ts";

export type { Overrides } from "./regimes.ts";

/** One value of an axis: a label for tables and logs, and the keys it sets. */
export interface Point {
  label: string;
  set: Overrides;
}

/** A named list of points; a study's axes are crossed. */
export interface Axis {
  name: string;
  points: readonly Point[];
}

/** A declared study (lib/studies/<name>.ts). */
export interface Study {
  /** Also the results folder name: results/<name>/. */
  name: string;
  /** What it reproduces, e.g. "Table 1: w/ self-attention". */
  title: string;
  /** Overrides shared by every point, independent of the preset. */
  base?: Overrides;
  /** Where its variants are compared: overrides of one preset, applied at that preset only. */
  regime?: Regime;
  /**
   * A variant read from the raw weights of every EMA run instead of runs of its
   * own (the EMA ablation, exactly paired; needs `evalRaw`): its label, and the
   * config values it stands for.
   */
  rawVariant?: { label: string; set: Readonly<Record<string, string | number | boolean>> };
  axes: readonly Axis[];
  /** Seeds each point is repeated with (`--seeds K` takes 0..K-1 instead). */
  seeds: readonly number[];
}

/** An axis whose points set one key each: `values("mixer", ["mlp", "attention"])`. */
export function values(key: string, list: readonly (string | number | boolean)[]): Axis {
  return { name: key, points: list.map((v) => ({ label: String(v), set: { [key]: v } })) };
}

/** One run of a study, ready to train. */
export interface PlannedRun {
  /** 1-based position in the study. */
  index: number;
  /** Axis name -> point label. */
  labels: Record<string, string>;
  /** The point's overrides by leaf name (what the study varies here). */
  set: Record<string, string | number | boolean>;
  seed: number;
  config: Config;
  runId: string;
  /** Run folder relative to the results root: `runs/<runId>`. */
  runDir: string;
}

/** The leaf names a study varies, in order of first appearance. */
export function variedKeys(study: Study): string[] {
  const keys = study.axes.flatMap((a) => a.points.flatMap((p) => Object.keys(p.set)));
  return [...new Set(keys.map((k) => findKey(k)[1]))];
}

function leafKeys(o: Overrides): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [findKey(k)[1], v]));
}

/** Checks that axes are named once, labels are unique and no key is set by two axes. */
function checkAxes(study: Study): void {
  const owner = new Map<string, string>();
  const names = new Set<string>();
  for (const a of study.axes) {
    if (names.has(a.name)) throw new Error(`axis "${a.name}" is declared twice`);
    names.add(a.name);
    if (!a.points.length) throw new Error(`axis "${a.name}" has no points`);
    const labels = new Set<string>();
    for (const p of a.points) {
      if (labels.has(p.label)) throw new Error(`axis "${a.name}" has two points "${p.label}"`);
      labels.add(p.label);
      for (const k of Object.keys(leafKeys(p.set))) {
        if (k === "seed") throw new Error(`axis "${a.name}" sets seed; use the study's seeds`);
        const other = owner.get(k);
        if (other !== undefined && other !== a.name) {
          throw new Error(`key "${k}" is set by two axes, "${other}" and "${a.name}"`);
        }
        owner.set(k, a.name);
      }
    }
  }
}

/**
 * Expands a study into its runs: the cross product of its axes, times seeds.
 * Overrides apply as preset <- regime (at its preset) <- study base <-
 * `overrides` <- point. Throws,
 * naming the study and the point, if any point does not resolve.
 */
export function expandStudy(
  study: Study,
  opts: { preset?: string; seeds?: readonly number[]; overrides?: Overrides } = {},
): PlannedRun[] {
  const where = `study "${study.name}"`;
  try {
    checkAxes(study);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const varied = new Set(variedKeys(study));
  const extra = leafKeys(opts.overrides ?? {});
  const clash = Object.keys(extra).filter((k) => varied.has(k) || k === "seed");
  if (clash.length) {
    throw new Error(`${where} varies ${clash.join(", ")}; do not set it on the command line`);
  }
  let combos: Point[][] = [[]];
  for (const a of study.axes) combos = combos.flatMap((c) => a.points.map((p) => [...c, p]));
  const seeds = opts.seeds ?? study.seeds;
  const runs: PlannedRun[] = [];
  const seen = new Map<string, string>();
  for (const combo of combos) {
    const set = Object.assign({}, ...combo.map((p) => leafKeys(p.set)));
    const labels = Object.fromEntries(study.axes.map((a, i) => [a.name, combo[i]!.label]));
    const name = Object.values(labels).join(" / ");
    for (const seed of seeds) {
      let config: Config;
      const preset = opts.preset ?? "cpu";
      const regime = study.regime?.preset === preset ? study.regime.set : {};
      try {
        config = resolveConfig(preset, {
          ...leafKeys(regime),
          ...leafKeys(study.base ?? {}),
          ...extra,
          ...set,
          seed,
        });
      } catch (e) {
        throw new Error(`${where}, point ${name}, seed ${seed}: ${(e as Error).message}`);
      }
      const runId = defaultRunFolder(config).split("/").pop()!;
      const dup = seen.get(runId);
      if (dup !== undefined) {
        throw new Error(`${where}: points ${dup} and ${name} resolve to the same config`);
      }
      seen.set(runId, name);
      runs.push({
        index: runs.length + 1,
        labels,
        set,
        seed,
        config,
        runId,
        runDir: `runs/${runId}`,
      });
    }
  }
  return runs;
}

/** The first K seeds, 0..K-1, for `--seeds K`. */
export function firstSeeds(k: number): number[] {
  if (!(Number.isInteger(k) && k > 0)) {
    throw new Error(`--seeds needs a positive integer, got ${k}`);
  }
  return Array.from({ length: k }, (_, i) => i);
}

/**
 * The runs of `plan` whose config matches `only`, e.g. "T=1|2,n=2|4": for
 * each key (leaf name or alias) one of the `|`-separated values. For running
 * part of a grid when time is short; the study's table then holds that part.
 */
export function filterPlan(plan: readonly PlannedRun[], only: string): PlannedRun[] {
  const wanted = only.split(",").filter((c) => c.trim()).map((clause) => {
    const [key, values] = clause.split("=");
    if (!key || values === undefined) {
      throw new Error(`--only "${only}": write key=value|value,... (got "${clause}")`);
    }
    const [section, leaf] = findKey(key.trim());
    return { section, leaf, values: values.split("|").map((v) => v.trim()) };
  });
  const kept = plan.filter((run) =>
    wanted.every((w) =>
      w.values.includes(
        String((run.config[w.section] as unknown as Record<string, unknown>)[w.leaf]),
      )
    )
  );
  if (!kept.length) {
    throw new Error(`--only "${only}" matches none of the study's ${plan.length} runs`);
  }
  return kept;
}

/** One of N disjoint slices of a queue (`--shard i/N`); shards count from 1. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `--shard i/N` (1 <= i <= N), with an error that says how shards count. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]), count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new Error(
      `--shard "${text}": write i/N with 1 <= i <= N (shards count from 1: 1/3, 2/3, 3/3)`,
    );
  }
  return { index, count };
}

/**
 * The runs of shard i/N: those at positions i-1, i-1+N, i-1+2N, ... of the
 * whole expanded queue (round robin, so each shard gets a mix of points and
 * seeds). Positions are taken before done runs are skipped, so the N shards
 * never overlap and always cover the queue, whatever has finished, as long as
 * every runner is given the same studies and flags.
 */
export function shardQueue<T>(queue: readonly T[], shard: Shard): T[] {
  return queue.filter((_, p) => p % shard.count === shard.index - 1);
}
