/**
 * The main job on a fresh machine: train a small TRM on generated Sudoku with
 * the default (wasm) backend, print held-out accuracy, and show one held-out
 * puzzle being solved step by step. About 6 minutes on 2 cores with OpenBLAS,
 * 12 without.
 *
 * It is the `cpu` preset with 20 blanks instead of 24 and 5 minutes of
 * training (11 where the matrix products run on wasm's XNNPACK, about 2.5x
 * slower) instead of 25, so that a newcomer sees the model take off: about
 * 1000 optimiser steps either way (at 24 blanks it does so later; see README,
 * Results).
 *
 *   deno task demo [--minutes 5|11] [--out results/demo] [--KEY VALUE ...]
 *
 * @module
 */
import {
  decodeSudoku,
  encodeSudoku,
  formatSudoku,
  loadTaskData,
  type SudokuPuzzle,
} from "@kit/data/mod.ts";
import {
  configFromArgs,
  loadModel,
  parseCommandLine,
  progressPrinter,
  runMain,
  trainRun,
} from "@kit/run/mod.ts";
import { useBackend } from "@kit/backend/mod.ts";
import { traceAnswer } from "@kit/train/mod.ts";

const FLAGS = { out: "string", minutes: "string", preset: "string", help: "boolean" } as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log("usage: deno task demo [--minutes 5|11] [--out results/demo] [--KEY VALUE ...]");
    return 0;
  }
  const base = configFromArgs({ ...p, overrides: { blanks: "20", ...p.overrides } }, "cpu");
  const backend = await useBackend(base.run.backend, {
    threads: base.run.threads,
    blas: base.run.blas,
    native: base.run.native,
  });
  const minutes = p.flags.minutes ?? p.overrides.timeBudgetMin ?? (backend.blas ? "5" : "11");
  const cfg = configFromArgs({
    ...p,
    overrides: { blanks: "20", ...p.overrides, timeBudgetMin: String(minutes) },
  }, "cpu");
  const out = (p.flags.out as string | undefined) ?? "results/demo";
  console.log(
    `TRM demo: ${cfg.data.size}x${cfg.data.size} Sudoku with ${cfg.data.blanks} blanks, hidden ${cfg.model.hiddenSize}, n=${cfg.model.latentSteps}, T=${cfg.model.recursions}, N_sup=${cfg.model.supervisionSteps}, ${minutes} min of training on ${cfg.run.backend}${
      backend.blas ? " with OpenBLAS" : backend.name === "wasm" ? " (XNNPACK)" : ""
    }`,
  );
  const data = await loadTaskData(cfg.data, cfg.run.seed);
  const summary = await trainRun(cfg, {
    out,
    data,
    command: ["deno task demo", ...args].join(" "),
    onEvent: progressPrinter({ timeBudgetMin: cfg.train.timeBudgetMin }),
  });

  // One held-out puzzle, decoded after every supervision step.
  const m = await loadModel(out);
  const puzzle = data.test[0] as SudokuPuzzle; // the demo trains on Sudoku
  const trace = await traceAnswer(m.model, m.weights, encodeSudoku(puzzle.question));
  console.log(`\nA held-out puzzle:\n${formatSudoku(puzzle.question, puzzle.size)}`);
  for (const k of [0, Math.floor(trace.predictions.length / 2) - 1, trace.predictions.length - 1]) {
    const grid = decodeSudoku(trace.predictions[k]!);
    const wrong = grid.map((v, i) => (v !== puzzle.answer[i] ? 1 : 0));
    console.log(
      `answer y after supervision step ${k + 1} (wrong cells in [ ], ${
        wrong.reduce((a, b) => a + b, 0)
      } wrong):`,
    );
    console.log(formatSudoku(grid, puzzle.size, { highlight: wrong }));
  }
  const t = summary.test;
  console.log(
    `\nheld-out exact accuracy: ${
      (100 * t.exactAcc).toFixed(1)
    }% of ${t.count} puzzles (cell accuracy ${
      (100 * t.tokenAcc).toFixed(1)
    }%), after ${summary.step} steps in ${(summary.wallSec / 60).toFixed(1)} min`,
  );
  console.log(
    `exact accuracy by supervision step: ${
      t.exactByStep.map((x) => (100 * x).toFixed(0) + "%").join(" ")
    }`,
  );
  console.log(`run folder: ${out} (try: deno task solve --out ${out} --puzzle "<cells>")`);
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
