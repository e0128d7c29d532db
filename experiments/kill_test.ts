/**
 * A training process killed with SIGKILL at random moments, resumed each
 * time, ends with the same metrics as an uninterrupted run, with no step
 * missing or duplicated in metrics.jsonl.
 */
import { assert, assertEquals, Prng } from "@kit/util/mod.ts";

const ARGS =
  "--preset smoke --steps 300 --checkpointEvery 5 --logEvery 5 --testPuzzles 16 --threads 1 --quiet"
    .split(" ");
const train = new URL("./train.ts", import.meta.url).pathname;

function start(out: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", train, ...ARGS, "--out", out, "--resume"],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test({
  name: "train CLI: SIGKILL at random points, then --resume, equals an uninterrupted run",
  // Subprocesses are awaited or killed; Deno's sanitizers see no leak, but they run long.
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const t0 = performance.now();
    const whole = await start(`${dir}/whole`).status;
    assert(whole.success);
    // Kills land between 1 s (start-up) and half the uninterrupted run's time
    // after each (re)start, so there are several whatever the machine's speed.
    const window = Math.max(500, Math.round((performance.now() - t0) / 2) - 1000);
    const prng = new Prng(11);
    let kills = 0, finished = false;
    for (let attempt = 0; attempt < 12; attempt++) {
      const child = start(`${dir}/killed`);
      const delay = 1000 + prng.int(window);
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already finished */ }
      }, delay);
      const status = await child.status;
      clearTimeout(timer);
      if (status.success) {
        finished = true;
        break;
      }
      kills++;
    }
    // On a loaded machine every attempt may be killed before the end: finish without a kill.
    if (!finished) assert((await start(`${dir}/killed`).status).success, "the last resume failed");
    assert(
      kills >= 2,
      `the run was killed ${kills} times; the test needs at least 2 to mean something`,
    );
    const read = async (run: string) => ({
      summary: JSON.parse(await Deno.readTextFile(`${dir}/${run}/summary.json`)),
      lines: (await Deno.readTextFile(`${dir}/${run}/metrics.jsonl`)).trim().split("\n").map((l) =>
        JSON.parse(l)
      ),
    });
    const a = await read("whole"), b = await read("killed");
    assertEquals(b.summary.test, a.summary.test);
    const steps = (r: typeof a) => r.lines.filter((l) => l.kind === "train").map((l) => l.step);
    assertEquals(steps(b), steps(a));
    const strip = (l: Record<string, unknown>) => ({ ...l, tokensPerSec: 0, elapsedSec: 0 });
    assertEquals(
      b.lines.filter((l) => l.kind === "train").map(strip),
      a.lines.filter((l) => l.kind === "train").map(strip),
    );
    await Deno.remove(dir, { recursive: true });
  },
});
