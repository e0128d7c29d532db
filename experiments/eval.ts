/**
 * Evaluate a trained TRM on held-out puzzles: every puzzle runs all N_sup
 * supervision steps, as in the reference.
 *
 *   deno task eval --out results/runs/my-run [--testPath puzzles.csv] [--limit 500]
 *
 * Without --testPath the run's own generated held-out set is rebuilt from its seed.
 *
 * @module
 */
import { encodePuzzles, loadTaskData } from "@kit/data/batches.ts";
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
      "usage: deno task eval --out RUN_FOLDER | --checkpoint FILE [--testPath FILE] [--limit N] [--json] [--backend wasm|cpu|tensorflow]",
    );
    return where ? 0 : 2;
  }
  const backend = await backendFromArgs(p);
  const m = await loadModel(where);
  const dataCfg = { ...m.cfg.data, testPath: p.overrides.testPath ?? m.cfg.data.testPath };
  const data = await loadTaskData(dataCfg, m.cfg.run.seed);
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
    console.log(JSON.stringify({ checkpoint: m.path, step: m.step, backend: backend.name, ...r }));
  } else {
    console.log(`${m.path} (step ${m.step}, ${backend.name}) on ${r.count} held-out puzzles:`);
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

if (import.meta.main) await runMain(() => main(Deno.args));
