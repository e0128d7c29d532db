/**
 * The sweep CLI end to end. One study (ema, 2 points) trains for real at the
 * smoke preset; every other study is checked by expansion only (each point
 * resolves at every preset), since all of them in full take minutes.
 */
import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals, assertRejects } from "@kit/util/assert.ts";
import { columnsFor, readStudyTable } from "@kit/run/results.ts";
import { PRESETS } from "@kit/run/presets.ts";
import { expandStudy, variedKeys } from "@kit/run/study.ts";
import { main } from "./sweep.ts";
import { STUDIES } from "./sweeps/mod.ts";

/** Runs the CLI with its stdout/stderr lines captured. */
async function sweep(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (s: string) => out.push(s);
  console.error = (s: string) => err.push(s);
  try {
    return { code: await main(args), out, err };
  } finally {
    Object.assign(console, { log, error });
  }
}

Deno.test("every study in experiments/sweeps expands to valid, distinct runs at every preset", async () => {
  const files = [...Deno.readDirSync(new URL("./sweeps", import.meta.url))]
    .map((e) => e.name.replace(/\.ts$/, "")).filter((n) => n !== "mod").sort();
  assertEquals(Object.keys(STUDIES).sort(), files, "each file is registered under its name");
  for (const study of Object.values(STUDIES)) {
    assert(study.title && variedKeys(study).length > 0 && study.seeds.length > 0, study.name);
    for (const preset of PRESETS) {
      const plan = expandStudy(study, { preset });
      assertEquals(new Set(plan.map((r) => r.runId)).size, plan.length, `${study.name} ${preset}`);
      columnsFor(plan); // no config leaf collides with a result column
    }
  }
  const mine = (await sweep(["--list"])).out.join("\n");
  assert(Object.keys(STUDIES).every((n) => mine.includes(n)));
});

Deno.test("deno task sweep ema --preset smoke --seeds 1 trains, tabulates, then skips on re-run", async () => {
  const results = await Deno.makeTempDir();
  const args = ["ema", "--preset", "smoke", "--seeds", "1", "--results", results];
  const first = await sweep(args);
  assertEquals(first.code, 0, first.err.join("\n"));
  assert(/ema 1\/2 ema=true seed=0 done exact \d+\.\d% \d+\.\d s/.test(first.err.join("\n")));
  assertEquals(tf.memory().numTensors, 0, "runs share the process: no tensor outlives its run");
  const df = readStudyTable(results, "ema");
  assertEquals(df.height, 2);
  const rows = df.toRecords();
  assertEquals(rows.map((r) => [r.ema, r.seed, r.status, r.error, r.varied]), [
    [true, 0, "done", "", "ema"],
    [false, 0, "done", "", "ema"],
  ]);
  for (const r of rows) {
    for (const k of ["exactAcc", "tokenAcc", "exactAtHalt"]) {
      assert((r[k] as number) >= 0 && (r[k] as number) <= 1, `${k} = ${r[k]}`);
    }
    assertEquals([r.trainSteps, r.size, r.backend], [30, 4, "wasm"]);
    assert((r.wallSec as number) > 0 && (r.params as number) > 0 && (r.stepsUsed as number) >= 1);
    const files = [...Deno.readDirSync(`${results}/${r.runDir}`)].map((e) => e.name).sort();
    assertEquals(files, ["checkpoint.safetensors", "config.json", "metrics.jsonl", "summary.json"]);
  }
  const mtime = (await Deno.stat(`${results}/${rows[0]!.runDir}/summary.json`)).mtime;
  const again = await sweep(args);
  assertEquals(again.code, 0);
  assert(again.out.join("").includes("0 done, 2 already done, 0 failed"), again.out.join(""));
  assert(/ema 2\/2 ema=false seed=0 skipped exact \d+\.\d%/.test(again.err.join("\n")));
  assertEquals((await Deno.stat(`${results}/${rows[0]!.runDir}/summary.json`)).mtime, mtime);
  assert(readStudyTable(results, "ema").frameEqual(df));
  await Deno.remove(results, { recursive: true });
});

Deno.test("deno task sweep records diverging runs as failed rows with the error and exits 1", async () => {
  const results = await Deno.makeTempDir();
  const diverge = ["--lr", "1e30", "--optimizer", "adamw", "--warmupSteps", "0", "--logEvery", "1"];
  const small = ["--trainPuzzles", "40", "--testPuzzles", "8"];
  const args = ["ema", "--preset", "smoke", "--seeds", "1", "--results", results];
  const r = await sweep([...args, ...diverge, ...small]);
  assertEquals(r.code, 1);
  const rows = readStudyTable(results, "ema").toRecords();
  assertEquals(
    rows.map((x) => x.status),
    ["failed", "failed"],
    "the sweep went on after the first",
  );
  assert(rows.every((x) => String(x.error).startsWith("training diverged") && x.exactAcc === null));
  await Deno.remove(results, { recursive: true });
});

Deno.test("deno task sweep refuses unknown studies and overrides of varied keys", async () => {
  await assertRejects(() => sweep(["nope"]), 'unknown study "nope"; choose one of ablation-depth');
  await assertRejects(
    () => sweep(["ablation_depth", "--layers", "3", "--preset", "smoke"]),
    'study "ablation-depth" varies layers; do not set it on the command line',
  );
});
