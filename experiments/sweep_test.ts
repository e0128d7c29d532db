/**
 * The sweep CLI end to end. One study (gradient, 2 points) trains for real at
 * the smoke preset, and two studies as one queue in two processes; every
 * study is checked by expansion in lib/studies/mod_test.ts.
 */
import * as tf from "@tensorflow/tfjs-core";
import { readStudyTable } from "@kit/run/mod.ts";
import { STUDIES } from "@kit/studies/mod.ts";
import { assert, assertEquals, assertRejects } from "@kit/util/mod.ts";
import { main } from "./sweep.ts";

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

Deno.test("deno task sweep --list lists every declared study", async () => {
  const mine = (await sweep(["--list"])).out.join("\n");
  assert(Object.keys(STUDIES).every((n) => mine.includes(n)));
});

Deno.test("deno task sweep gradient --preset smoke --seeds 1 trains, tabulates, then skips on re-run", async () => {
  const results = await Deno.makeTempDir();
  const args = ["gradient", "--preset", "smoke", "--seeds", "1", "--results", results];
  const first = await sweep(args);
  assertEquals(first.code, 0, first.err.join("\n"));
  assert(
    /gradient 1\/2 gradient=lastRecursion seed=0 done exact \d+\.\d% \d+\.\d s/.test(
      first.err.join("\n"),
    ),
  );
  assertEquals(tf.memory().numTensors, 0, "runs share the process: no tensor outlives its run");
  const df = readStudyTable(results, "gradient");
  assertEquals(df.height, 2);
  const rows = df.toRecords();
  assertEquals(rows.map((r) => [r.gradient, r.seed, r.status, r.error, r.varied]), [
    ["lastRecursion", 0, "done", "", "gradient"],
    ["oneStep", 0, "done", "", "gradient"],
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
  assert(/gradient 2\/2 gradient=oneStep seed=0 skipped exact \d+\.\d%/.test(again.err.join("\n")));
  assertEquals((await Deno.stat(`${results}/${rows[0]!.runDir}/summary.json`)).mtime, mtime);
  assert(readStudyTable(results, "gradient").frameEqual(df));
  await Deno.remove(results, { recursive: true });
});

Deno.test("deno task sweep A B --jobs 2: one queue, two processes, every run trained once", async () => {
  const results = await Deno.makeTempDir();
  const small = ["--trainPuzzles", "40", "--testPuzzles", "8", "--steps", "10"];
  const args = ["gradient", "networks", "--preset", "smoke", "--seeds", "1", "--jobs", "2"];
  const r = await sweep([...args, "--results", results, ...small]);
  assertEquals(r.code, 0, r.err.join("\n"));
  const g = readStudyTable(results, "gradient").toRecords();
  const n = readStudyTable(results, "networks").toRecords();
  assertEquals([g.length, n.length], [2, 2]);
  assertEquals(g[0]!.runId, n[0]!.runId, "the shared base is one run");
  for (const dir of new Set([...g, ...n].map((x) => String(x.runDir)))) {
    const lines = (await Deno.readTextFile(`${results}/${dir}/metrics.jsonl`)).trim().split("\n");
    assertEquals(lines.filter((l) => l.includes('"kind":"final"')).length, 1, dir);
    const config = JSON.parse(await Deno.readTextFile(`${results}/${dir}/config.json`));
    assertEquals(config.config.run.threads, 0, "smoke fixes no threads: each job chooses");
  }
  await Deno.remove(results, { recursive: true });
});

Deno.test("deno task sweep records diverging runs as failed rows with the error and exits 1", async () => {
  const results = await Deno.makeTempDir();
  const diverge = ["--lr", "1e30", "--optimizer", "adamw", "--warmupSteps", "0", "--logEvery", "1"];
  const small = ["--trainPuzzles", "40", "--testPuzzles", "8"];
  const args = ["gradient", "--preset", "smoke", "--seeds", "1", "--results", results];
  const r = await sweep([...args, ...diverge, ...small]);
  assertEquals(r.code, 1);
  const rows = readStudyTable(results, "gradient").toRecords();
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
