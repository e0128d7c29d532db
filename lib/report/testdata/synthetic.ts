/**
 * A small, deterministic results tree in the sweep runner's format, for the
 * report tests and for trying `deno task report` before real sweeps exist:
 *
 *     <results>/<study>/runs.csv (and runs.parquet for "ablation")
 *     <results>/runs/<runId>/metrics.jsonl   (runDir = "runs/<runId>", as the sweep writes it)
 *
 * Accuracies follow a made-up formula (deeper is better, seeds jitter), so
 * tests can predict every aggregate.
 *
 * @module
 */
import pl from "nodejs-polars";
import { effectiveDepth } from "../../model/config.ts";
import type { Leaf } from "../paper.ts";

/** Config leaves every synthetic run shares (a cpu-sized 4x4 Sudoku run). */
export const BASE: Readonly<Record<string, Leaf>> = {
  arch: "trm",
  layers: 2,
  mixer: "mlp",
  hiddenSize: 64,
  latentSteps: 2,
  recursions: 2,
  supervisionSteps: 4,
  ema: true,
  emaRate: 0.999,
  halting: "bce",
  gradient: "lastRecursion",
  latentMode: "pair",
  networks: "shared",
  task: "sudoku",
  size: 4,
};

/** The studies written, with their varied keys and grids. */
export const STUDIES: Record<string, { varied: string[]; grid: Record<string, Leaf>[] }> = {
  depth: {
    varied: ["layers", "latentSteps", "recursions"],
    grid: [2, 4].flatMap((layers) =>
      [2, 3].flatMap((latentSteps) =>
        [2, 3].map((recursions) => ({ layers, latentSteps, recursions }))
      )
    ),
  },
  ablation: {
    varied: ["ema", "mixer"],
    grid: [true, false].flatMap((ema) => ["mlp", "attention"].map((mixer) => ({ ema, mixer }))),
  },
  hrm: {
    varied: ["arch", "latentSteps", "recursions"],
    grid: [[1, 1], [2, 2], [3, 3]].flatMap(([k, t]) => [
      { arch: "hrm", layers: 4, latentSteps: k!, recursions: t!, gradient: "oneStep" },
      { arch: "trm", layers: 2, latentSteps: 2 * k!, recursions: t!, gradient: "lastRecursion" },
    ]),
  },
  halting: {
    varied: ["halting"],
    grid: [{ halting: "bce" }, { halting: "qAct" }, { halting: "none" }],
  },
  backend: {
    varied: ["backend"],
    grid: [{ backend: "wasm" }, { backend: "cpu" }, { backend: "webgpu" }],
  },
};

/** Seeds per configuration. */
export const SEEDS = [0, 1];

/** The made-up exact accuracy of a config and seed. */
export function syntheticAcc(cfg: Record<string, Leaf>, seed: number): number {
  const depth = effectiveDepth({
    recursions: Number(cfg.recursions),
    latentSteps: Number(cfg.latentSteps),
    layers: Number(cfg.layers),
  });
  const penalty = (cfg.ema === false ? 0.1 : 0) + (cfg.mixer === "attention" ? 0.05 : 0) +
    (cfg.arch === "hrm" ? 0.15 : 0);
  return Math.min(0.95, 0.2 + depth / 60) - penalty + (seed === 0 ? 0.02 : -0.02);
}

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes every study of {@link STUDIES} into the `results` folder; returns the rows per study. */
export async function writeSyntheticResults(
  results: string,
): Promise<Record<string, Record<string, Leaf>[]>> {
  const out: Record<string, Record<string, Leaf>[]> = {};
  for (const [study, { varied, grid }] of Object.entries(STUDIES)) {
    const rows: Record<string, Leaf>[] = [];
    for (const [i, point] of grid.entries()) {
      for (const seed of SEEDS) {
        const cfg: Record<string, Leaf> = { ...BASE, backend: "wasm", ...point };
        const runId = `${study}-${i}-s${seed}`;
        const acc = syntheticAcc(cfg, seed);
        const runDir = `runs/${runId}`;
        await writeMetrics(`${results}/${runDir}`, acc, Number(cfg.supervisionSteps));
        rows.push({
          study,
          runId,
          status: "done",
          error: "",
          seed,
          varied: varied.join(","),
          ...cfg,
          exactAcc: acc,
          tokenAcc: Math.min(1, acc + 0.3),
          stepsUsed: cfg.halting === "none" ? Number(cfg.supervisionSteps) : 4 - 2 * acc - seed,
          exactAtHalt: acc - 0.01,
          trainSteps: 50,
          wallSec: 12,
          tokensPerSec: { wasm: 2000, cpu: 300, webgpu: 900 }[String(cfg.backend)]! + 100 * seed,
          params: 1000 * Number(cfg.layers) * (cfg.mixer === "attention" ? 3 : 2),
          runDir,
        });
      }
    }
    // One failed run per study: tables must leave it out and say so.
    rows.push({
      ...rows[0]!,
      runId: `${study}-failed`,
      status: "failed",
      error: "out of memory, at step 3",
    });
    const cols = Object.keys(rows[0]!);
    const csv = [cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(","))];
    await Deno.mkdir(`${results}/${study}`, { recursive: true });
    await Deno.writeTextFile(`${results}/${study}/runs.csv`, csv.join("\n") + "\n");
    if (study === "ablation") {
      await Deno.writeFile(
        `${results}/${study}/runs.parquet`,
        pl.DataFrame(rows).writeParquet(),
      );
    }
    out[study] = rows;
  }
  return out;
}

/** metrics.jsonl as run.ts writes it: train lines, one eval, one final (and a torn tail). */
async function writeMetrics(dir: string, acc: number, nSup: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const lines: unknown[] = [];
  for (let step = 10; step <= 50; step += 10) {
    const f = step / 50;
    lines.push({
      step,
      kind: "train",
      loss: 2 - f * acc,
      tokenAcc: 0.5 + f * 0.4,
      exactAcc: f * acc,
      stepsAtHalt: 4 - f,
    });
    if (step === 30 || step === 50) {
      const byStep = Array.from({ length: nSup }, (_, k) => (f * acc * (k + 1)) / nSup);
      lines.push({
        step,
        kind: step === 50 ? "final" : "eval",
        count: 100,
        tokenAcc: 0.5 + f * 0.4,
        exactAcc: f * acc,
        stepsUsed: 4 - f,
        exactByStep: byStep,
        exactAtHalt: f * acc,
      });
    }
  }
  const text = lines.map((l) => JSON.stringify(l)).join("\n") + '\n{"step": 60, "kind": "tra';
  await Deno.writeTextFile(`${dir}/metrics.jsonl`, text);
}
