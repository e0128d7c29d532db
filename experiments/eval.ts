/**
 * Evaluate a trained TRM on held-out puzzles: every puzzle runs all N_sup
 * supervision steps, as in the reference.
 *
 *   deno task eval --out results/runs/my-run [--testPath puzzles.csv] [--limit 500]
 *   deno task eval --out results/runs/my-run --blanks 26 --testPuzzles 1000   # harder puzzles
 *
 * Without data flags the run's own held-out set is rebuilt from its seed. The
 * data flags that describe a held-out set (testPath, testPuzzles, blanks,
 * minNodes, mazeMinPath, dataSeed) build that set instead, without the run's
 * training puzzles; any other config key is refused, since evaluation uses
 * the run's own config, except the recursion counts and the batch size.
 *
 * Thinking longer (lib/train/think.ts): `--nsup D` evaluates D supervision
 * steps (more than training's N_sup is fine), `--T`/`--n` change the
 * recursion counts, `--samples K --noise σ` (or `--start augment`) run K
 * trajectories per puzzle in one batch, `--select` names the rules that pick
 * one (qhalt, first-halt, vote, verify, oracle, or all), `--haltThreshold p`
 * the threshold of first-halt, `--thresholds` those of the halting trade-off:
 *
 *   deno task eval --out RUN --nsup 32 --samples 8 --noise 0.1 --select all --json
 *
 * A grid of these settings is a declared study: `deno task think thinking`
 * (experiments/think.ts, lib/studies/thinking/).
 *
 * @module
 */
import { type ArcGroup, encodePuzzles, type TaskData } from "@kit/data/mod.ts";
import { backendFromArgs, findKey, loadModel, parseCommandLine, runMain } from "@kit/run/mod.ts";
import { HELD_OUT_KEYS, heldOutData } from "@kit/studies/mod.ts";
import {
  DEFAULT_THRESHOLDS,
  type EvalMetrics,
  evaluate,
  evaluateArc,
  evaluateArcVersions,
  evaluationModel,
  SELECT_RULES,
  type SelectRule,
  summarizeThinking,
  think,
  type TrajectoryStart,
} from "@kit/train/mod.ts";
import { thinkingTable } from "@kit/report/thinking.ts";
import { toMarkdown } from "@kit/report/table_format.ts";

const FLAGS = {
  out: "string",
  checkpoint: "string",
  limit: "string",
  json: "boolean",
  help: "boolean",
  samples: "string",
  noise: "string",
  noiseOn: "string",
  start: "string",
  select: "string",
  haltThreshold: "string",
  thresholds: "string",
  sampleSeed: "string",
} as const;

/** Flags that make this a thinking-longer evaluation (besides --nsup, --T, --n). */
const THINK_FLAGS = [
  "samples",
  "noise",
  "noiseOn",
  "start",
  "select",
  "haltThreshold",
  "thresholds",
  "sampleSeed",
] as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const where = (p.flags.checkpoint ?? p.flags.out) as string | undefined;
  if (p.flags.help || !where) {
    console.log(
      "usage: deno task eval --out RUN_FOLDER | --checkpoint FILE [--testPath FILE] [--testPuzzles N] [--blanks N] [--minNodes N] [--mazeMinPath N] [--dataSeed N] [--limit N] [--evalBatchSize ROWS] [--json] [--backend wasm|cpu|tensorflow]\n" +
        "  thinking longer: [--nsup D] [--T T] [--n n] [--samples K] [--noise SIGMA] [--noiseOn z|yz] [--start same|augment] [--select all|qhalt,first-halt,vote,verify,oracle] [--haltThreshold P] [--thresholds P,P,...] [--sampleSeed S]",
    );
    return where ? 0 : 2;
  }
  const { data: applied, evaluation } = evalOverrides(p.overrides);
  const backend = await backendFromArgs(p);
  const m = await loadModel(where);
  const data = await heldOutData(m.cfg, applied);
  const limit = p.flags.limit ? Number(p.flags.limit) : 0;
  const batchSize = evaluation.evalBatchSize ?? m.cfg.train.evalBatchSize;
  const { evalBatchSize: _, ...depthKeys } = evaluation;
  if (Object.keys(depthKeys).length || THINK_FLAGS.some((f) => p.flags[f] !== undefined)) {
    const summary = await thinkLonger(m, data, p.flags, { ...depthKeys, batchSize, limit });
    const head = { checkpoint: m.path, step: m.step, backend: backend.name, heldOut: data.source };
    if (p.flags.json) console.log(JSON.stringify({ ...head, ...summary }));
    else {
      console.log(`${m.path} (step ${m.step}, ${backend.name}); held-out set: ${data.source}`);
      console.log(toMarkdown(thinkingTable(summary, { title: summary.what })));
    }
    return 0;
  }
  // ARC adds its score: the augmented versions of each test input vote (pass@1, pass@2).
  const r: EvalMetrics = data.task === "arc" && !limit
    ? (await evaluateArcVersions(m.model, m.weights, data.test as ArcGroup[], { batchSize }))
      .metrics
    : await evaluate(m.model, m.weights, encodePuzzles(data.test), { batchSize, limit });
  if (data.task === "arc" && limit) {
    // The vote needs every version: it runs on all of them, apart from the limited metrics.
    const arc = await evaluateArc(m.model, m.weights, data.test as ArcGroup[], { batchSize });
    Object.assign(r, { passAt1: arc.passAt[1], passAt2: arc.passAt[2] });
  }
  if (p.flags.json) {
    const heldOut = data.source;
    console.log(
      JSON.stringify({ checkpoint: m.path, step: m.step, backend: backend.name, heldOut, ...r }),
    );
  } else {
    console.log(`${m.path} (step ${m.step}, ${backend.name}) on ${r.count} held-out puzzles:`);
    console.log(`  held-out set: ${data.source}`);
    console.log(
      `  exact ${(100 * r.exactAcc).toFixed(1)}%  cell ${
        (100 * r.tokenAcc).toFixed(1)
      }%  halting head stops at ${r.stepsUsed.toFixed(2)} steps (exact there ${
        (100 * r.exactAtHalt).toFixed(1)
      }%)`,
    );
    console.log(
      `  exact by supervision step: ${r.exactByStep.map((x) => (100 * x).toFixed(1)).join(" ")}`,
    );
    if (r.passAt2 !== undefined) {
      console.log(
        `  ARC tasks: pass@1 ${(100 * r.passAt1!).toFixed(1)}%  pass@2 ${
          (100 * r.passAt2).toFixed(1)
        }% (augmented versions vote)`,
      );
    }
  }
  return 0;
}

/** Keys that describe the held-out set: eval builds it from them. */
const DATA_KEYS: readonly string[] = HELD_OUT_KEYS;
/** Keys that say where evaluation runs (read by backendFromArgs). */
const RUN_KEYS = ["backend", "threads", "blas"];
/** Keys evaluation may change without retraining: depth (N_sup), T, n, and rows per batch. */
const EVAL_KEYS = ["supervisionSteps", "recursions", "latentSteps", "evalBatchSize"] as const;
type EvalKey = typeof EVAL_KEYS[number];

/**
 * The data and evaluation overrides of the command line (by leaf); refuses
 * every key eval would not apply.
 */
function evalOverrides(overrides: Record<string, string>): {
  data: Record<string, string>;
  evaluation: Partial<Record<EvalKey, number>>;
} {
  const data: Record<string, string> = {}, evaluation: Partial<Record<EvalKey, number>> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const leaf = findKey(key)[1];
    if (DATA_KEYS.includes(leaf)) data[leaf] = value;
    else if ((EVAL_KEYS as readonly string[]).includes(leaf)) {
      evaluation[leaf as EvalKey] = positiveInteger(key, value);
    } else if (!RUN_KEYS.includes(leaf)) {
      throw new Error(
        `eval does not apply --${key}: it evaluates with the run's own config; the flags that ` +
          `choose the held-out puzzles are ${DATA_KEYS.map((k) => `--${k}`).join(", ")}, ` +
          `and --nsup, --T, --n and --evalBatchSize may change at evaluation`,
      );
    }
  }
  return { data, evaluation };
}

function positiveInteger(flag: string, value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`--${flag} needs a positive integer, got "${value}"`);
  }
  return v;
}

function number(flag: string, value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v)) {
    throw new Error(`--${flag} needs a number, got "${value}"`);
  }
  return v;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    const all = flag === "select" ? " (or all)" : "";
    throw new Error(`--${flag} is one of ${allowed.join(", ")}${all}; got "${value}"`);
  }
  return value as T;
}

/** Runs the thinking-longer evaluation the flags ask for and summarises it. */
async function thinkLonger(
  m: Awaited<ReturnType<typeof loadModel>>,
  data: TaskData,
  flags: Record<string, string | boolean | undefined>,
  opts: Partial<Record<EvalKey, number>> & { batchSize: number; limit: number },
) {
  const str = (k: string) => flags[k] as string | undefined;
  const model = evaluationModel(m.model, {
    recursions: opts.recursions,
    latentSteps: opts.latentSteps,
  });
  const samples = str("samples") ? positiveInteger("samples", str("samples")!) : 1;
  const noise = str("noise") ? number("noise", str("noise")!) : 0;
  const noiseOn = oneOf("noiseOn", str("noiseOn") ?? "z", ["z", "yz"] as const);
  const start = oneOf<TrajectoryStart>("start", str("start") ?? "same", ["same", "augment"]);
  const seed = str("sampleSeed") ? number("sampleSeed", str("sampleSeed")!) : 0;
  const threshold = str("haltThreshold") ? number("haltThreshold", str("haltThreshold")!) : 0.5;
  const thresholds = str("thresholds")
    ? str("thresholds")!.split(",").map((t) => number("thresholds", t))
    : DEFAULT_THRESHOLDS;
  const select = str("select") ?? "all";
  const rules = select === "all"
    ? undefined
    : select.split(",").map((r) => oneOf<SelectRule>("select", r.trim(), SELECT_RULES));
  if (rules?.includes("verify") && data.task === "arc") {
    throw new Error("--select verify needs Sudoku or maze puzzles (a rule check of the answer)");
  }
  const rec = await think(model, m.weights, data.test, {
    batchSize: opts.batchSize,
    depth: opts.supervisionSteps,
    samples,
    noise,
    noiseOn,
    start,
    seed,
    limit: opts.limit,
  });
  const summary = summarizeThinking(rec, { threshold, thresholds, rules });
  const { recursions: T, latentSteps: n } = model.cfg;
  const how = samples > 1
    ? `, K=${samples} (${
      start === "augment" ? "augmented starts" : "same start"
    }, σ=${noise} on ${noiseOn})`
    : "";
  const what = `${rec.puzzles} held-out puzzles, ${rec.depth} steps, T=${T}, n=${n}${how}`;
  return { what, recursions: T, latentSteps: n, noise, noiseOn, start, seed, ...summary };
}

if (import.meta.main) await runMain(() => main(Deno.args));
