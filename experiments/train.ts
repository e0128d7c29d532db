/**
 * Train one TRM.
 *
 *   deno task train --preset cpu --out results/runs/my-run [--resume] [--n 4 --T 2 ...]
 *
 * Any config key is a flag (see `--help`). Ctrl-C stops after a checkpoint;
 * `--resume` continues from it.
 *
 * @module
 */
import {
  configFromArgs,
  configKeys,
  defaultRunFolder,
  parseCommandLine,
  progressPrinter,
  runMain,
  stopOnSigint,
  trainRun,
} from "@kit/run/mod.ts";

const FLAGS = {
  preset: "string",
  out: "string",
  resume: "boolean",
  quiet: "boolean",
  help: "boolean",
} as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log(
      `usage: deno task train [--preset smoke|cpu|paper] [--out DIR] [--resume] [--KEY VALUE ...]\nkeys: ${
        configKeys().join(" ")
      }\naliases: --n (latentSteps) --T (recursions) --nsup (supervisionSteps)`,
    );
    return 0;
  }
  const cfg = configFromArgs(p);
  const out = (p.flags.out as string | undefined) ?? defaultRunFolder(cfg);
  const stop = stopOnSigint("writing a checkpoint, then stopping (Ctrl-C again to kill)");
  console.error(`run folder ${out}`);
  const summary = await trainRun(cfg, {
    out,
    resume: Boolean(p.flags.resume),
    signal: stop.signal,
    command: ["deno task train", ...args].join(" "),
    onEvent: progressPrinter({
      timeBudgetMin: cfg.train.timeBudgetMin,
      quiet: Boolean(p.flags.quiet),
    }),
  });
  stop.release();
  const t = summary.test;
  console.log(
    `held-out exact accuracy ${(100 * t.exactAcc).toFixed(1)}% (cell ${
      (100 * t.tokenAcc).toFixed(1)
    }%, ${t.count} puzzles) after ${summary.step} steps, ${
      summary.wallSec.toFixed(0)
    } s [${summary.stoppedBy}]`,
  );
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
