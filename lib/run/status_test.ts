import { toyStudy } from "./testdata/toy_study.ts";
import { assert, assertEquals } from "../util/assert.ts";
import type { SlurmTask } from "./slurm.ts";
import { formatStatus, queueStatus } from "./status.ts";
import { expandStudy } from "./study.ts";

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("queueStatus() reads done, running, failed and pending runs from folders, claims and squeue", async () => {
  const results = await Deno.makeTempDir();
  const plan = expandStudy(toyStudy, { preset: "smoke", seeds: [0] }); // 4 runs, 3 steps each
  const extra = expandStudy(toyStudy, { preset: "smoke", seeds: [1] }); // 4 more
  const [done, failed, running, killed] = plan;
  const [, queued, starting, requeued] = extra; // the first: missing
  const dir = (r: typeof done) => `${results}/${r!.runDir}`;
  for (const r of [...plan, ...extra]) await Deno.mkdir(dir(r), { recursive: true });
  const write = (r: typeof done, file: string, obj: unknown) =>
    Deno.writeTextFile(`${dir(r)}/${file}`, typeof obj === "string" ? obj : JSON.stringify(obj));
  await write(done, "summary.json", { step: 3, stoppedBy: "steps", test: { exactAcc: 0.625 } });
  const failure = {
    error: "training diverged: the loss became NaN\nat ...",
    time: "",
    host: "",
    pid: 1,
  };
  await write(failed, "failed.json", failure);
  // Running: this process's claim, with a logged step.
  await write(running, "config.json", {});
  await write(running, "metrics.jsonl", '{"step":2,"kind":"train"}\n');
  await write(running, "claim.json", {
    pid: Deno.pid,
    host: Deno.hostname(),
    time: new Date().toISOString(),
    slurmJob: "7_2",
  });
  // Killed: a checkpoint's worth of metrics, a claim whose process is gone, a torn line.
  await write(killed, "config.json", {});
  await write(killed, "metrics.jsonl", '{"step":1,"kind":"train"}\n{"step":2,"ki');
  await write(killed, "claim.json", { pid: await deadPid(), host: Deno.hostname(), time: "" });
  // A stopped run (Ctrl-C, scancel) has a summary that does not count as done.
  await write(requeued, "summary.json", { step: 1, stoppedBy: "signal", test: { exactAcc: 0 } });
  await write(requeued, "failed.json", failure);
  const slurm = new Map<string, SlurmTask>([
    [queued!.runId, { job: "9_1", state: "PENDING", node: "" }],
    [starting!.runId, { job: "9_2", state: "RUNNING", node: "n1" }],
    [requeued!.runId, { job: "9_3", state: "PENDING", node: "" }],
  ]);
  const queue = [...plan, ...extra].map((run) => ({ run, study: "toy", total: 8 }));
  const rows = await queueStatus(queue, results, slurm);
  assertEquals(rows.map((r) => [r.state, r.detail]), [
    ["done", "exact 62.5% at step 3"],
    ["failed", "training diverged: the loss became NaN"],
    ["running", `slurm 7_2 on ${Deno.hostname()}, step 2/3`],
    [
      "pending",
      `interrupted at step 1/3, stale claim of ${Deno.hostname()}:${
        JSON.parse(await Deno.readTextFile(`${dir(killed)}/claim.json`)).pid
      }`,
    ],
    ["pending", "not started"],
    ["pending", "queued as slurm 9_1 (pending); not started"],
    ["running", "slurm 9_2 on n1 (starting)"],
    [
      "pending",
      "queued as slurm 9_3 (pending); failed before (training diverged: the loss became NaN)",
    ],
  ]);
  assertEquals(rows[0]!.point, "mixer=mlp depth=shallow");
  assertEquals([rows[0]!.index, rows[0]!.seed, rows[4]!.seed], ["1/8", 0, 1]);

  const text = formatStatus(rows).split("\n");
  assertEquals(text.length, 10);
  assert(/^study +# +point +seed +state +run +detail$/.test(text[0]!), text[0]);
  assert(
    /^toy +1\/8 +mixer=mlp depth=shallow +0 +done +sudoku4-[0-9a-f]{8} +exact 62\.5%/.test(
      text[1]!,
    ),
  );
  assertEquals(text[9], "1 done, 2 running, 1 failed, 4 pending (of 8)");
  // Without Slurm, a queued run is plain pending.
  const plain = await queueStatus(queue, results);
  assertEquals(plain[5]!.detail, "not started");
  assertEquals(plain[7]!.state, "failed");
  await Deno.remove(results, { recursive: true });
});
