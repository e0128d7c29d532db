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
 * the run's own config.
 *
 * @module
 */
import { encodePuzzles, loadTaskData, type TaskData, type TaskPuzzle } from "@kit/data/batches.ts";
import { type Config, findKey, resolveConfig } from "@kit/run/config.ts";
import type { ArcGroup } from "@kit/data/arc_dataset.ts";
import { evaluateArc, evaluateArcVersions } from "@kit/train/arc_eval.ts";
import { type EvalMetrics, evaluate } from "@kit/train/evaluate.ts";
import { backendFromArgs, parseCommandLine, runMain } from "@kit/run/cli.ts";
import { loadModel } from "@kit/run/load.ts";

const FLAGS = {
  out: "string",
  checkpoint: "string",
  limit: "string",
  json: "boolean",
  help: "boolean",
} as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const where = (p.flags.checkpoint ?? p.flags.out) as string | undefined;
  if (p.flags.help || !where) {
    console.log(
      "usage: deno task eval --out RUN_FOLDER | --checkpoint FILE [--testPath FILE] [--testPuzzles N] [--blanks N] [--minNodes N] [--mazeMinPath N] [--dataSeed N] [--limit N] [--json] [--backend wasm|cpu|tensorflow]",
    );
    return where ? 0 : 2;
  }
  const applied = dataOverrides(p.overrides);
  const backend = await backendFromArgs(p);
  const m = await loadModel(where);
  const data = await heldOutData(m.cfg, applied);
  const limit = p.flags.limit ? Number(p.flags.limit) : 0;
  const batchSize = m.cfg.train.evalBatchSize;
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
const DATA_KEYS = ["testPath", "testPuzzles", "blanks", "minNodes", "mazeMinPath", "dataSeed"];
/** Keys that say where evaluation runs (read by backendFromArgs). */
const RUN_KEYS = ["backend", "threads", "blas"];

/** The data overrides of the command line (by leaf); refuses every key eval would not apply. */
function dataOverrides(overrides: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const leaf = findKey(key)[1];
    if (DATA_KEYS.includes(leaf)) out[leaf] = value;
    else if (!RUN_KEYS.includes(leaf)) {
      throw new Error(
        `eval does not apply --${key}: it evaluates with the run's own config; the flags that ` +
          `choose the held-out puzzles are ${DATA_KEYS.map((k) => `--${k}`).join(", ")}`,
      );
    }
  }
  return out;
}

/**
 * The run's own held-out set, or the one `applied` describes: built from the
 * run's data config with those keys changed, less any of the run's training
 * puzzles (they are not held out).
 */
async function heldOutData(cfg: Config, applied: Record<string, string>): Promise<TaskData> {
  const own = await loadTaskData(cfg.data, cfg.run.seed);
  if (!Object.keys(applied).length) return own;
  const data = resolveConfig("smoke", { ...cfg.data, ...applied }).data;
  const built = await loadTaskData(data, cfg.run.seed);
  if (own.task === "arc") return built;
  const key = (q: TaskPuzzle) => ("question" in q ? q.question.join(",") : "");
  const seen = new Set(own.train.map(key));
  const test = built.test.filter((q) => !seen.has(key(q)));
  if (test.length < built.test.length) {
    console.warn(
      `${
        built.test.length - test.length
      } of the held-out puzzles are training puzzles of the run; left out`,
    );
  }
  if (!test.length) throw new Error("no held-out puzzles left that the run did not train on");
  return {
    ...built,
    test,
    source: `${built.source} (held-out set from ${JSON.stringify(applied)})`,
  };
}

if (import.meta.main) await runMain(() => main(Deno.args));
