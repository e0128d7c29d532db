import { parsePuzzle } from "@kit/data/mod.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "@kit/util/mod.ts";
import { main as train } from "./train.ts";
import { main as evalMain } from "./eval.ts";
import { main as solve } from "./solve.ts";
import { main as demo } from "./demo.ts";

/** Runs a CLI main with console.log captured. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await fn(), out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

Deno.test("train, eval and solve CLIs work together on a smoke run", async () => {
  const dir = await Deno.makeTempDir();
  const t = await capture(() =>
    train(["--preset", "smoke", "--out", dir, "--quiet", "--steps", "10", "--testPuzzles", "16"])
  );
  assertEquals(t.code, 0);
  assert(
    /held-out exact accuracy [\d.]+% \(cell [\d.]+%, 16 puzzles\) after 10 steps/.test(t.out),
    t.out,
  );
  const e = await capture(() => evalMain(["--out", dir, "--json"]));
  const r = JSON.parse(e.out);
  assertEquals([r.step, r.count, r.exactByStep.length], [10, 16, 4]);
  // Data flags build the held-out set they describe (harder, more); other keys are refused.
  const warn = console.warn;
  console.warn = () => {};
  const hard = await capture(() =>
    evalMain(["--out", dir, "--json", "--blanks", "10", "--testPuzzles", "24"])
  ).finally(() => console.warn = warn);
  const h = JSON.parse(hard.out);
  assertEquals(h.count, 24);
  assert(h.heldOut.includes("10 blanks") && h.heldOut.includes('"blanks":"10"'), h.heldOut);
  await assertRejects(
    () => evalMain(["--out", dir, "--lr", "0.1"]),
    "eval does not apply --lr",
  );
  // Thinking longer: deeper than training, K noisy trajectories, every rule, one JSON summary.
  const think = await capture(() =>
    evalMain(["--out", dir, "--json", "--nsup", "8", "--samples", "2", "--noise", "0.1"])
  );
  const k = JSON.parse(think.out);
  assertEquals([k.depth, k.trainedDepth, k.samples, k.puzzles, k.byStep.length], [8, 4, 2, 16, 8]);
  assertEquals(k.rules.map((r: { rule: string }) => r.rule), [
    "qhalt",
    "first-halt",
    "vote",
    "verify",
    "oracle",
  ]);
  assertEquals(k.rules[0].calls, 2 * 8 * k.callsPerStep);
  const one = await capture(() => evalMain(["--out", dir, "--json", "--select", "vote"]));
  assertEquals(JSON.parse(one.out).byStep.map((d: { exact: number }) => d.exact), r.exactByStep);
  await assertRejects(() => evalMain(["--out", dir, "--select", "best"]), "--select is one of");
  await assertRejects(() => evalMain(["--out", dir, "--nsup", "0"]), "positive integer");
  const s = await capture(() => solve(["--out", dir, "--puzzle", "1.3.....2...4.1."]));
  assert(
    s.out.includes("after supervision step 1") && s.out.includes("after supervision step 4"),
    s.out,
  );
  assert(/correct|wrong/.test(s.out), s.out);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parsePuzzle() reads blanks and names bad cells", () => {
  assertEquals(Array.from(parsePuzzle("1.3. ..2. 0000 4..1")), [
    1,
    0,
    3,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    0,
    0,
    4,
    0,
    0,
    1,
  ]);
  assertThrows(() => parsePuzzle("1.3"), "16, 36 or 81 cells; got 3");
  assertThrows(() => parsePuzzle("1.3......2...4.9"), "cell 16: '9' is not a digit 1-4");
});

Deno.test("train CLI refuses a typo in a config key", async () => {
  let err = "";
  try {
    await train(["--preset", "smoke", "--latentStep", "3"]);
  } catch (e) {
    err = (e as Error).message;
  }
  assert(err.includes('did you mean "latentSteps"'), err);
});

Deno.test("demo CLI trains, names its matrix engine, and shows a held-out puzzle step by step", async () => {
  const dir = await Deno.makeTempDir();
  const d = await capture(() =>
    demo([
      "--preset",
      "smoke",
      "--blanks",
      "8",
      "--minutes",
      "0.05",
      "--testPuzzles",
      "8",
      "--out",
      dir,
    ])
  );
  assertEquals(d.code, 0);
  assert(/min of training on wasm( with OpenBLAS| \(XNNPACK\))/.test(d.out), d.out);
  assert(
    d.out.includes("A held-out puzzle:") && d.out.includes("answer y after supervision step 1"),
  );
  assert(/held-out exact accuracy: [\d.]+% of 8 puzzles/.test(d.out), d.out);
  await Deno.remove(dir, { recursive: true });
});
