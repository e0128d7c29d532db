import { assert, assertEquals } from "../util/assert.ts";
import {
  claimIsStale,
  pidAlive,
  processStart,
  readClaim,
  REMOTE_STALE_MS,
  TORN_STALE_MS,
  tryClaim,
} from "./claim.ts";

const root = new URL("../..", import.meta.url);

/** Runs TypeScript in a fresh Deno process at the repository root (so the import map applies). */
async function deno(
  code: string,
  env: Record<string, string> = {},
): Promise<{ pid: number; out: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: root,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const r = await child.output();
  const err = new TextDecoder().decode(r.stderr);
  assert(r.success, `child failed: ${err}`);
  return { pid: child.pid, out: new TextDecoder().decode(r.stdout) };
}

Deno.test("tryClaim() holds a run folder until release; a live holder keeps others out", async () => {
  const dir = `${await Deno.makeTempDir()}/runs/a`;
  const claim = await tryClaim(dir);
  assert(claim, "the first claim succeeds (and creates the folder)");
  const held = await readClaim(dir);
  assertEquals(held?.info, claim.info);
  assertEquals([held!.info.pid, held!.info.host], [Deno.pid, Deno.hostname()]);
  assertEquals(await tryClaim(dir), undefined, "this process is alive, so its claim is not stale");
  await claim.release();
  assertEquals(await readClaim(dir), undefined);
  const again = await tryClaim(dir);
  assert(again);
  await again.release();
});

Deno.test("tryClaim() takes over a claim whose process died, and another host's only when old", async () => {
  const dir = await Deno.makeTempDir();
  // A process claims and exits without releasing (as a killed sweep would).
  const { pid } = await deno(
    `import { tryClaim } from "${new URL("lib/run/claim.ts", root)}"; await tryClaim("${dir}/r");`,
  );
  assertEquals((await readClaim(`${dir}/r`))?.info.pid, pid);
  assert(!pidAlive(pid));
  const taken = await tryClaim(`${dir}/r`);
  assert(taken, "a dead process's claim is stale");
  assertEquals((await readClaim(`${dir}/r`))?.info.pid, Deno.pid);
  await taken.release();

  const remote = { pid: 1, host: "elsewhere.example", time: new Date().toISOString() };
  await Deno.mkdir(`${dir}/s`);
  await Deno.writeTextFile(`${dir}/s/claim.json`, JSON.stringify(remote));
  assertEquals(await tryClaim(`${dir}/s`), undefined, "another host's fresh claim holds");
  const old = new Date(Date.now() - REMOTE_STALE_MS - 60_000);
  await Deno.utime(`${dir}/s/claim.json`, old, old);
  assert(claimIsStale(remote, old));
  const t2 = await tryClaim(`${dir}/s`);
  assert(t2, "another host's claim without a heartbeat for 10 minutes is stale");
  await t2.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runSweep() in two processes at once trains every run exactly once", async () => {
  const results = await Deno.makeTempDir();
  const lib = (f: string) => new URL(`lib/run/${f}`, root).href;
  // Each process runs the same 6-run study with a fake 150 ms training.
  const code = `
    import { expandStudy, values } from "${lib("study.ts")}";
    import { runSweep } from "${lib("sweep.ts")}";
    const plan = expandStudy(
      { name: "race", title: "", axes: [values("layers", [1, 2, 3])], seeds: [0, 1] },
      { preset: "smoke" },
    );
    const tally = await runSweep(plan, {
      results: "${results}",
      pollMs: 50,
      train: async (cfg, dir) => {
        await Deno.writeTextFile("${results}/log", dir.split("/").pop() + "\\n", { append: true });
        await new Promise((r) => setTimeout(r, 150));
        const summary = { step: 1, stoppedBy: "steps", params: 1, backend: "wasm", wallSec: 0,
          tokensPerSec: 0, test: { count: 1, tokenAcc: 0, exactAcc: 0, stepsUsed: 1,
          exactByStep: [], exactAtHalt: 0 }, train: undefined };
        await Deno.writeTextFile(dir + "/summary.json", JSON.stringify(summary));
        return summary;
      },
    });
    console.log(JSON.stringify(tally));`;
  const [a, b] = await Promise.all([deno(code), deno(code)]);
  const tallies = [JSON.parse(a.out), JSON.parse(b.out)];
  const trained = (await Deno.readTextFile(`${results}/log`)).trim().split("\n");
  assertEquals(trained.length, 6, `each run trained once: ${trained.join(" ")}`);
  assertEquals(new Set(trained).size, 6);
  assertEquals(tallies[0].done + tallies[1].done, 6);
  for (const t of tallies) assertEquals(t.done + t.skipped, 6, "each sweep accounts for every run");
  await Deno.remove(results, { recursive: true });
});

Deno.test("a Slurm task's claim records its job; once its process is gone on this host it is taken over", async () => {
  const dir = await Deno.makeTempDir();
  // An array task claims and dies (scancel, time limit, SIGKILL): its claim stays behind.
  const { pid } = await deno(
    `import { tryClaim } from "${new URL("lib/run/claim.ts", root)}"; await tryClaim("${dir}/r");`,
    {
      SLURM_ARRAY_JOB_ID: "12",
      SLURM_ARRAY_TASK_ID: "3",
      SLURM_JOB_ID: "15",
      SLURM_CLUSTER_NAME: "c",
    },
  );
  const held = await readClaim(`${dir}/r`);
  assertEquals([held?.info.pid, held?.info.slurmJob, held?.info.slurmCluster], [pid, "12_3", "c"]);
  assert(Number.isInteger(held?.info.start), "the start time tells a reused pid apart");
  assert(claimIsStale(held!.info, held!.touched), "same host, pid gone: stale at once");
  const taken = await tryClaim(`${dir}/r`);
  assert(taken, "the next task takes it over");
  assertEquals(
    (await readClaim(`${dir}/r`))?.info.slurmJob,
    undefined,
    "this process is in no job",
  );
  await taken.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("claimIsStale(): a reused pid, and a claim file left empty by a process killed while writing it", async () => {
  const host = Deno.hostname(), time = new Date().toISOString();
  const start = processStart(Deno.pid);
  assert(start !== undefined, "Linux: /proc/<pid>/stat");
  assert(!claimIsStale({ pid: Deno.pid, host, time, start }, new Date()));
  assert(!claimIsStale({ pid: Deno.pid, host, time }, new Date()), "no start recorded: pid alone");
  assert(
    claimIsStale({ pid: Deno.pid, host, time, start: start + 1 }, new Date()),
    "the pid now names a process started at another time",
  );

  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/claim.json`, "");
  assertEquals(await tryClaim(dir), undefined, "an empty claim may be being written: held");
  const old = new Date(Date.now() - TORN_STALE_MS - 1000);
  await Deno.utime(`${dir}/claim.json`, old, old);
  const held = await readClaim(dir);
  assert(held && Math.abs(held.touched.getTime() - old.getTime()) < 1000, "its age is the file's");
  const taken = await tryClaim(dir);
  assert(taken, "empty for over a minute: its creator died");
  await taken.release();
  await Deno.remove(dir, { recursive: true });
});
