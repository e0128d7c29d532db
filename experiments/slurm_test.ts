/**
 * Sweeps beyond one machine: `deno task sweep ... --slurm` as a job array on a
 * real Slurm cluster, and the parts that need none (--dryRun, --shard,
 * --status).
 *
 * The cluster tests need a one-node cluster on this machine (`.ci/slurm-start.sh`
 * starts one): the results folder is a temp folder here, which the tasks must
 * see. Without `sinfo`, or with no idle node named after this host, they are
 * reported as ignored. Runs are the smoke preset's, tiny.
 */
import {
  claimIsStale,
  command,
  expandStudy,
  firstSeeds,
  readClaim,
  readStudyTable,
} from "@kit/run/mod.ts";
import { STUDIES } from "@kit/studies/mod.ts";
import { assert, assertEquals, assertRejects } from "@kit/util/mod.ts";
import { main } from "./sweep.ts";

const SMALL = ["--preset", "smoke", "--seeds", "1", "--trainPuzzles", "40", "--testPuzzles", "8"];

/** Why the cluster tests cannot run here, or "" when a local cluster has an idle node. */
async function noCluster(): Promise<string> {
  const r = await command("sinfo", ["-h", "-N", "-o", "%N %t"]);
  if (!r) return "sinfo not found";
  if (!r.ok) return `sinfo failed: ${r.err.trim()}`;
  const host = Deno.hostname().split(".")[0];
  const mine = r.out.split("\n").map((l) => l.trim().split(/\s+/)).filter(([n]) => n === host);
  if (!mine.length) return `no node named ${host} (the tests need a cluster on this machine)`;
  if (!mine.some(([, t]) => /^(idle|mix|alloc)/.test(t ?? ""))) return `node ${host} is not up`;
  if (!(await command("sbatch", ["--version"]))?.ok) return "sbatch not found";
  return "";
}
const why = await noCluster();
if (why) console.error(`slurm_test: cluster tests ignored: ${why}`);
const ignore = why !== "";

/** Runs the sweep CLI with its stdout/stderr lines captured. */
async function sweep(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const { log, error } = console;
  console.log = (s: string) => out.push(s);
  console.error = (s: string) => err.push(s);
  try {
    return { code: await main(args), out: out.join("\n"), err: err.join("\n") };
  } finally {
    Object.assign(console, { log, error });
  }
}

/** Submits; returns the job id and the array size the CLI printed. */
async function submit(args: string[]): Promise<{ jobId: string; size: number; out: string }> {
  const r = await sweep([...args, "--slurm"]);
  assertEquals(r.code, 0, r.err);
  const m = /submitted job (\d+): an array of (\d+) tasks/.exec(r.out);
  assert(m, r.out + r.err);
  console.log(`slurm: job id ${m[1]}, array size ${m[2]}`);
  return { jobId: m[1]!, size: Number(m[2]), out: r.out };
}

/** Waits until Slurm no longer lists the job. */
async function waitFor(jobId: string, timeoutSec = 300): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutSec * 1000) {
    const r = await command("squeue", ["-h", "-j", jobId, "-o", "%i %T"]);
    if (r && (r.ok ? !r.out.trim() : /invalid job id/i.test(r.err))) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  await command("scancel", [jobId]);
  throw new Error(`job ${jobId} still queued after ${timeoutSec} s`);
}

async function until(what: string, cond: () => Promise<boolean>, timeoutSec = 300) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutSec * 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
const lines = async (p: string) =>
  (await Deno.readTextFile(p)).trim().split("\n").map((l) => JSON.parse(l));

Deno.test({
  name: "sweep --slurm: a smoke study as one job array, every run finished once, the table written",
  ignore,
  fn: async () => {
    const results = await Deno.makeTempDir();
    const args = ["gradient", ...SMALL, "--steps", "10", "--results", results];
    const plan = expandStudy(STUDIES.gradient!, {
      preset: "smoke",
      seeds: firstSeeds(1),
      overrides: { trainPuzzles: 40, testPuzzles: 8, steps: 10 },
    });
    const { jobId, size } = await submit(args);
    assertEquals(size, 2);
    await waitFor(jobId);
    for (const run of plan) {
      const dir = `${results}/runs/${run.runId}`;
      const finals = (await lines(`${dir}/metrics.jsonl`)).filter((l) => l.kind === "final");
      assertEquals(finals.length, 1, `${run.runId}: one final line`);
      assert(!(await exists(`${dir}/claim.json`)), "claims released");
      // The submission's folder holds the script, submitted.json and the tasks' logs.
      const [sub] = [...Deno.readDirSync(`${results}/gradient/slurm`)];
      const log = await Deno.readTextFile(
        `${results}/gradient/slurm/${sub!.name}/${jobId}_${run.index - 1}.out`,
      );
      assert(
        log.includes(`[slurm ${jobId}_${run.index - 1}]`) && log.includes(" done exact "),
        log,
      );
      console.log(`slurm: ${run.runId} (${run.labels.gradient}) done once`);
    }
    const rows = readStudyTable(results, "gradient").toRecords();
    assertEquals(rows.map((r) => [r.gradient, r.status]), [["lastRecursion", "done"], [
      "oneStep",
      "done",
    ]]);
    assert(await exists(`${results}/gradient/runs.csv`));
    const status = await sweep([...args, "--status"]);
    assert(status.out.endsWith("2 done, 0 running, 0 failed, 0 pending (of 2)"), status.out);
    // A finished run is never resubmitted.
    const again = await sweep([...args, "--slurm"]);
    assertEquals([again.code, again.out], [0, "nothing to submit"]);
    await Deno.remove(results, { recursive: true });
  },
});

Deno.test({
  name:
    "sweep --slurm: tasks cancelled (scancel) or killed mid-run resume on resubmission to an uninterrupted run's metrics",
  ignore,
  fn: async () => {
    const results = await Deno.makeTempDir();
    const long = [...SMALL, "--steps", "200", "--checkpointEvery", "10", "--logEvery", "10"];
    const args = ["gradient", ...long, "--results", `${results}/slurm`];
    const plan = expandStudy(STUDIES.gradient!, {
      preset: "smoke",
      seeds: firstSeeds(1),
      overrides: {
        steps: 200,
        checkpointEvery: 10,
        logEvery: 10,
        trainPuzzles: 40,
        testPuzzles: 8,
      },
    });
    const dirs = plan.map((r) => `${results}/slurm/runs/${r.runId}`);
    const first = await submit(args);
    assertEquals(first.size, 2);
    try {
      // Each task, once past its first checkpoint (holding its claim), is cut short
      // (one at a time: on a 1-CPU node task 1 starts when task 0 ends).
      const running = (d: string) => async () =>
        await exists(`${d}/checkpoint.safetensors`) &&
        (await readClaim(d))?.info.slurmJob !== undefined;
      // Task 0: scancel (SIGTERM: it stops at its next logged step, checkpoints, releases).
      await until("task 0's first checkpoint", running(dirs[0]!));
      assert((await command("scancel", [`${first.jobId}_0`]))?.ok);
      // Task 1: its process SIGKILLed, as the scheduler does when SIGTERM is not
      // heeded within KillWait (or the node dies): a stale claim is left.
      await until("task 1's first checkpoint", running(dirs[1]!));
      Deno.kill((await readClaim(dirs[1]!))!.info.pid, "SIGKILL");
      await waitFor(first.jobId);
    } finally {
      await command("scancel", [first.jobId]);
    }
    const stopped = JSON.parse(await Deno.readTextFile(`${dirs[0]}/summary.json`));
    assertEquals(stopped.stoppedBy, "signal");
    assert(stopped.step < 200, `task 0 stopped at step ${stopped.step}`);
    assert(!(await exists(`${dirs[0]}/claim.json`)), "a stopped task releases its claim");
    const stale = await readClaim(dirs[1]!);
    assert(stale && claimIsStale(stale.info, stale.touched), "a killed task leaves a stale claim");
    assert(await exists(`${dirs[1]}/checkpoint.safetensors`));
    assert(!(await exists(`${dirs[1]}/summary.json`)));
    const status = await sweep([...args, "--status"]);
    assert(status.out.endsWith("0 done, 0 running, 0 failed, 2 pending (of 2)"), status.out);
    assert(/interrupted at step \d+\/200, stale claim/.test(status.out), status.out);
    console.log(
      `slurm: job ${first.jobId}: task 0 stopped by scancel at step ${stopped.step}, ` +
        `task 1 killed (stale claim, checkpoint kept)`,
    );

    // Resubmitted, both resume; meanwhile the same runs train uninterrupted elsewhere.
    const second = await submit(args);
    assertEquals(second.size, 2);
    const reference = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./sweep.ts", import.meta.url).pathname,
        "gradient",
        ...long,
        "--results",
        `${results}/whole`,
        "--threads",
        "1", // as the array tasks: one CPU each
        "--jobs",
        "1",
        "--quiet",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    await waitFor(second.jobId);
    const ref = await reference;
    assert(ref.success, new TextDecoder().decode(ref.stderr));
    const strip = (l: Record<string, unknown>) => ({ ...l, tokensPerSec: 0, elapsedSec: 0 });
    for (const run of plan) {
      const [a, b] = ["slurm", "whole"].map((r) => `${results}/${r}/runs/${run.runId}`);
      const [sa, sb] = await Promise.all(
        [a, b].map(async (d) => JSON.parse(await Deno.readTextFile(`${d}/summary.json`))),
      );
      assertEquals([sa.step, sa.stoppedBy], [200, "steps"]);
      assertEquals(sa.test, sb.test, "same final metrics");
      const la = await lines(`${a}/metrics.jsonl`), lb = await lines(`${b}/metrics.jsonl`);
      const steps = (ls: Record<string, unknown>[]) => ls.map((l) => `${l.kind}@${l.step}`);
      assertEquals(steps(la), steps(lb), "no step missing or duplicated");
      assertEquals(steps(la).filter((s) => s.startsWith("final")), ["final@200"]);
      assertEquals(la.map(strip), lb.map(strip));
      console.log(
        `slurm: ${run.runId} resumed to the uninterrupted run's metrics (${la.length} lines)`,
      );
    }
    await Deno.remove(results, { recursive: true });
  },
});

Deno.test({
  name: "a claim of a Slurm task on another host is stale once squeue no longer lists its job",
  ignore,
  fn: async () => {
    const held = await command("sbatch", ["--parsable", "--hold", "--wrap", "sleep 60"]);
    assert(held?.ok, held?.err);
    const jobId = held.out.trim().split(";")[0]!;
    const cluster = (await command("scontrol", ["show", "config"]))!.out
      .match(/^ClusterName\s*=\s*(\S+)/m)![1]!;
    const fresh = new Date();
    const claim = (job: string, c = cluster) => ({
      pid: 1,
      host: "another-node",
      time: fresh.toISOString(),
      slurmJob: job,
      slurmCluster: c,
    });
    try {
      assert(!claimIsStale(claim(jobId), fresh), "a pending job's claim holds");
    } finally {
      await command("scancel", [jobId]);
    }
    await waitFor(jobId);
    assert(claimIsStale(claim(jobId), fresh), "its job is gone: stale without waiting 10 minutes");
    assert(claimIsStale(claim("999999_0"), fresh), "a job Slurm does not know");
    assert(
      !claimIsStale(claim(jobId, "other-cluster"), fresh),
      "another cluster's: heartbeat only",
    );
  },
});

Deno.test("sweep --slurm --dryRun prints the job array script: array size, #SBATCH lines, CPUs; done runs left out", async () => {
  const results = await Deno.makeTempDir();
  const args = ["gradient", ...SMALL, "--results", results, "--slurm", "--dryRun"];
  const r = await sweep([
    ...args,
    "--partition",
    "gpu",
    "--time",
    "0:10:00",
    "--mem",
    "2G",
    "--cpusPerTask",
    "2",
    "--maxParallel",
    "1",
    "--sbatch",
    "gres=gpu:1;qos=low",
    "--sbatch=--account=lab",
  ]);
  assertEquals(r.code, 0, r.err);
  const sbatch = r.out.split("\n").filter((l) => l.startsWith("#SBATCH"));
  assertEquals(sbatch.slice(0, 6), [
    "#SBATCH --job-name=trm-gradient",
    "#SBATCH --array=0-1%1",
    "#SBATCH --cpus-per-task=2",
    "#SBATCH --partition=gpu",
    "#SBATCH --time=0:10:00",
    "#SBATCH --mem=2G",
  ]);
  assert(sbatch[6]!.startsWith(`#SBATCH --output=${await Deno.realPath(results)}/gradient/slurm/`));
  assertEquals(sbatch.slice(8), [
    "#SBATCH --gres=gpu:1",
    "#SBATCH --qos=low",
    "#SBATCH --account=lab",
  ]);
  const plan = expandStudy(STUDIES.gradient!, {
    preset: "smoke",
    seeds: firstSeeds(1),
    overrides: { trainPuzzles: 40, testPuzzles: 8 },
  });
  for (const run of plan) assert(r.out.includes(`  ${run.runId}  # gradient ${run.index}/2`));
  assert(r.out.includes('--runId "$RUN" --threads "$THREADS"'), "--cpusPerTask sets the threads");
  assert(r.err.includes("dry run: not submitted; an array of 2 tasks"));
  assertEquals([...Deno.readDirSync(results)], [], "a dry run writes nothing");
  const syntax = await new Deno.Command("bash", { args: ["-n", "-c", r.out] }).output();
  assert(syntax.success, "bash parses it");

  // A finished run is left out; the smoke preset fixes no threads, so tasks take their CPUs.
  const dir = `${results}/${plan[0]!.runDir}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify({ step: 30, stoppedBy: "steps" }));
  const rest = await sweep(args);
  assert(
    rest.out.includes("#SBATCH --array=0-0\n") && rest.out.includes("#SBATCH --cpus-per-task=1\n"),
  );
  assert(!rest.out.includes(plan[0]!.runId) && rest.out.includes(plan[1]!.runId));
  assert(rest.out.includes('--runId "$RUN" --taskThreads "$THREADS"'));
  assert(rest.err.includes("2 runs at preset smoke: 1 done, 0 running or queued, 1 to submit"));
  // The scarce regime (cpu preset) fixes one thread per run: one CPU per task, threads kept.
  const cpu = await sweep([
    "gradient",
    "--seeds",
    "1",
    "--results",
    results,
    "--slurm",
    "--dryRun",
  ]);
  assert(cpu.out.includes("#SBATCH --cpus-per-task=1\n") && cpu.out.includes("--taskThreads"));
  await assertRejects(
    () => sweep(["gradient", ...SMALL, "--partition", "gpu"]),
    "--partition applies only with --slurm",
  );
  await Deno.remove(results, { recursive: true });
});

Deno.test("sweep --shard i/N: disjoint slices that cover the queue; --status shows each", async () => {
  const results = await Deno.makeTempDir();
  const args = ["gradient", "networks", "--preset", "smoke", "--seeds", "2", "--results", results];
  const all = await sweep([...args, "--status"]);
  const runIds = (s: string) => [...s.matchAll(/sudoku4-[0-9a-f]{8}/g)].map((m) => m[0]);
  // gradient and networks share their base point: 3 distinct points x 2 seeds.
  assertEquals(runIds(all.out).length, 6);
  assert(all.out.endsWith("0 done, 0 running, 0 failed, 6 pending (of 6)"), all.out);
  const shards = [];
  for (const i of [1, 2, 3, 4]) {
    shards.push(runIds((await sweep([...args, "--status", "--shard", `${i}/4`])).out));
  }
  assertEquals(shards.map((s) => s.length), [2, 2, 1, 1]);
  assertEquals(shards.flat().sort(), runIds(all.out).sort(), "disjoint, and together the queue");
  // Positions do not move when runs finish.
  const dir = `${results}/runs/${shards[0]![0]}`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/summary.json`,
    JSON.stringify({ step: 1, stoppedBy: "steps", test: { exactAcc: 1 } }),
  );
  const after = await sweep([...args, "--status", "--shard", "1/4"]);
  assertEquals(runIds(after.out), shards[0]);
  assert(after.out.endsWith("1 done, 0 running, 0 failed, 1 pending (of 2)"), after.out);
  await assertRejects(() => sweep([...args, "--shard", "0/4"]), "shards count from 1");
  await assertRejects(() => sweep([...args, "--shard", "5/4"]), "shards count from 1");
  await Deno.remove(results, { recursive: true });
});
