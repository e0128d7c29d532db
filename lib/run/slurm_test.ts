import { assert, assertEquals, assertThrows } from "../util/assert.ts";
import { sbatchLines, sbatchScript, type ScriptOptions, shellQuote } from "./slurm.ts";

const opts: ScriptOptions = {
  jobName: "trm-gradient",
  logDir: "/shared/results/gradient/slurm/x",
  chdir: "/home/me/trm",
  deno: "/usr/bin/deno",
  sweep: "/home/me/trm/experiments/sweep.ts",
  args: ["gradient", "--preset", "cpu", "--only", "T=1|2", "--results", "/shared/results"],
  cpusPerTask: 1,
  threadsFromSlurm: false,
};
const runs = [
  { runId: "sudoku6-aaaaaaaa", comment: "gradient 1/6 gradient=lastRecursion seed=0" },
  { runId: "sudoku6-bbbbbbbb", comment: "gradient 4/6 gradient=oneStep seed=0" },
  { runId: "sudoku6-cccccccc", comment: "gradient 5/6 gradient=oneStep seed=1" },
];

/** Runs the script as array task `task` with deno replaced by echo: the command it would run. */
async function commandOf(script: string, task: number, cpus: number): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".sbatch" });
  await Deno.writeTextFile(path, script);
  const r = await new Deno.Command("bash", {
    args: [path],
    env: {
      TRM_DENO: "echo",
      SLURM_ARRAY_TASK_ID: String(task),
      SLURM_CPUS_PER_TASK: String(cpus),
    },
    stdout: "piped",
  }).output();
  await Deno.remove(path);
  assert(r.success);
  return new TextDecoder().decode(r.stdout).trim();
}

Deno.test("sbatchScript() writes one array task per run, its #SBATCH header and the run's command", async () => {
  const script = sbatchScript(runs, {
    ...opts,
    partition: "gpu",
    time: "02:00:00",
    mem: "8G",
    maxParallel: 2,
    extra: sbatchLines(["gres=gpu:1; #SBATCH --account=lab", "--qos=low"]),
    about: ["a test"],
  });
  const sbatch = script.split("\n").filter((l) => l.startsWith("#SBATCH"));
  assertEquals(sbatch, [
    "#SBATCH --job-name=trm-gradient",
    "#SBATCH --array=0-2%2",
    "#SBATCH --cpus-per-task=1",
    "#SBATCH --partition=gpu",
    "#SBATCH --time=02:00:00",
    "#SBATCH --mem=8G",
    "#SBATCH --output=/shared/results/gradient/slurm/x/%A_%a.out",
    "#SBATCH --chdir=/home/me/trm",
    "#SBATCH --gres=gpu:1",
    "#SBATCH --account=lab",
    "#SBATCH --qos=low",
  ]);
  assert(script.startsWith("#!/bin/bash\n# a test\n#SBATCH"), "#SBATCH lines before any command");
  assert(script.includes("  sudoku6-bbbbbbbb  # gradient 4/6 gradient=oneStep seed=0\n"));
  // Task i runs RUNS[i], with the regime's threads kept (only a 0 takes the task's CPUs).
  const cmd = await commandOf(script, 1, 1);
  assertEquals(
    cmd,
    "run -A /home/me/trm/experiments/sweep.ts gradient --preset cpu --only T=1|2 " +
      "--results /shared/results --runId sudoku6-bbbbbbbb --taskThreads 1",
  );
  // --cpusPerTask: every run gets SLURM_CPUS_PER_TASK threads.
  const four = sbatchScript(runs, { ...opts, cpusPerTask: 4, threadsFromSlurm: true });
  assert(four.includes("#SBATCH --cpus-per-task=4\n") && four.includes("#SBATCH --array=0-2\n"));
  assert((await commandOf(four, 2, 4)).endsWith("--runId sudoku6-cccccccc --threads 4"));
  assert(four.includes('export OPENBLAS_NUM_THREADS="$THREADS"'));
  assertThrows(() => sbatchScript([], opts), "at least one run");
});

Deno.test("sbatchLines() and shellQuote()", () => {
  assertEquals(sbatchLines(["a=1;;--b=2\n-N 1", " #SBATCH  --c=3 "]), [
    "#SBATCH --a=1",
    "#SBATCH --b=2",
    "#SBATCH -N 1",
    "#SBATCH --c=3",
  ]);
  assertEquals(sbatchLines([]), []);
  assertEquals(shellQuote("T=1|2,n=2"), "'T=1|2,n=2'");
  assertEquals(shellQuote("/a/b-c_d.ts"), "/a/b-c_d.ts");
  assertEquals(shellQuote("it's"), `'it'\\''s'`);
});
