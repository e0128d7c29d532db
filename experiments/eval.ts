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
import { evaluate } from "@kit/train/evaluate.ts";
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
  const r = await evaluate(m.model, m.weights, encodePuzzles(data.test), {
    batchSize: m.cfg.train.evalBatchSize,
    limit,
  });
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
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
