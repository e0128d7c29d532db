import pl from "nodejs-polars";
import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { countParameters } from "../model/init.ts";
import { flattenConfig } from "./config.ts";
import { columnsFor, readStudyTable, writeStudyTable } from "./results.ts";
import { expandStudy, type Study, values } from "./study.ts";
import { runSweep, type TrainFn } from "./sweep.ts";

const study: Study = {
  name: "toy",
  title: "layers x ema",
  axes: [values("layers", [1, 2, 3]), values("ema", [true, false])],
  seeds: [0],
};

/** Done for 1 and 2 layers (exactAcc = layers / 10), failing for 3. */
const train: TrainFn = async (cfg, dir) => {
  if (cfg.model.layers === 3) throw new Error("out of patience");
  const summary = {
    step: 7,
    stoppedBy: "steps" as const,
    params: 1234,
    backend: "wasm",
    wallSec: 2.5,
    tokensPerSec: 100,
    test: {
      count: 4,
      tokenAcc: 0.75,
      exactAcc: cfg.model.layers / 10,
      stepsUsed: 3.5,
      exactByStep: [0, 0.1],
      exactAtHalt: 0.05,
    },
    train: undefined,
  };
  await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify(summary));
  return summary;
};

Deno.test("writeStudyTable() writes one tidy row per finished or failed run, in the contract's columns", async () => {
  const results = await Deno.makeTempDir();
  const plan = expandStudy(study, { preset: "smoke" });
  const opts = { study: "toy", varied: ["layers", "ema"] };
  const empty = await writeStudyTable(results, plan.slice(0, 4), opts);
  assertEquals([empty.height, empty.columns], [0, columnsFor(plan)], "no runs yet: header only");

  await runSweep(plan.slice(0, 5), { results, train }); // the last point never runs
  const df = await writeStudyTable(results, plan, opts);
  const leaves = Object.keys(flattenConfig(plan[0]!.config)).filter((k) =>
    k !== "seed" && k !== "backend"
  );
  const cols = [
    ...["study", "runId", "status", "error", "seed", "backend", "varied"],
    ...leaves,
    ...["exactAcc", "tokenAcc", "stepsUsed", "exactAtHalt", "rawExactAcc", "trainSetExactAcc"],
    ...["bestExactAcc", "bestStep", "rawBestExactAcc", "trainSteps", "wallSec"],
    ...["tokensPerSec", "params", "runDir"],
  ];
  assertEquals(df.columns, cols);
  assert(cols.every((c) => !c.includes(".")), "no dots in column names");
  assertEquals(df.height, 5);
  const rows = df.toRecords();
  assertEquals(rows.map((r) => [r.layers, r.ema, r.status]), [
    [1, true, "done"],
    [1, false, "done"],
    [2, true, "done"],
    [2, false, "done"],
    [3, true, "failed"],
  ]);
  const done = rows[2]!, failed = rows[4]!;
  assertEquals(
    [done.study, done.runId, done.error, done.varied, done.runDir],
    ["toy", plan[2]!.runId, "", "layers,ema", `runs/${plan[2]!.runId}`],
  );
  assertEquals(
    [done.exactAcc, done.tokenAcc, done.stepsUsed, done.exactAtHalt, done.trainSteps],
    [0.2, 0.75, 3.5, 0.05, 7],
  );
  assertEquals([done.wallSec, done.tokensPerSec, done.params, done.seed], [2.5, 100, 1234, 0]);
  assertEquals(failed.error, "out of patience");
  for (const k of ["exactAcc", "tokenAcc", "stepsUsed", "exactAtHalt", "trainSteps", "wallSec"]) {
    assertEquals(failed[k], null, `${k} of a failed run`);
  }
  assertEquals(failed.params, countParameters(plan[4]!.config.model), "params from the config");
  assertEquals(String(df.getColumn("layers").dtype), "DataType(Int64)");
  assertEquals(String(df.getColumn("seed").dtype), "DataType(Int64)");
  assertEquals(String(df.getColumn("lr").dtype), "DataType(Float64)");
  assertEquals(String(df.getColumn("ema").dtype), "DataType(Bool)");
  assertEquals(String(df.getColumn("exactAcc").dtype), "DataType(Float64)");

  // Both files read back equal; no temp files are left next to them.
  assert(readStudyTable(results, "toy").frameEqual(df));
  const csv = pl.readCSV(await Deno.readTextFile(`${results}/toy/runs.csv`));
  assertEquals(csv.toRecords(), rows);
  const files = [...Deno.readDirSync(`${results}/toy`)].map((e) => e.name).sort();
  assertEquals(files, ["runs.csv", "runs.parquet"]);
  assertThrows(() => readStudyTable(results, "nope"), "deno task sweep nope");
  await Deno.remove(results, { recursive: true });
});
