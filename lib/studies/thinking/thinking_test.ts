import { assert, assertEquals, assertRejects, assertThrows } from "../../util/assert.ts";
import { useBackend } from "../../backend/mod.ts";
import { resolveConfig } from "../../run/mod.ts";
import { planThinking, SMOKE, type ThinkingStudy } from "./declare.ts";
import { heldOutData } from "./heldout.ts";
import { THINKING_STUDIES } from "./mod.ts";
import { recordPath, runThinkingStudy, type ThinkingEvent } from "./run.ts";

const root = new URL("../../..", import.meta.url).pathname;
await useBackend("wasm", { threads: 1 });

Deno.test("the declared thinking study: ≥1000 held-out puzzles, K up to 8, every point named once", () => {
  const study = THINKING_STUDIES.thinking!;
  const plan = planThinking(study);
  assert(plan.every((p) => p.puzzles >= 1000 && p.id.startsWith("thinking-")));
  assertEquals(Math.max(...plan.map((p) => p.samples)), 8);
  assert(plan.some((p) => (p.depth ?? 0) >= 32 && p.samples === 1), "a deep one-trajectory point");
  assert(plan.some((p) => p.start === "augment") && plan.some((p) => p.noise > 0));
  const smoke = planThinking(study, "smoke");
  assert(smoke.every((p) => p.puzzles === SMOKE.puzzles && p.samples <= SMOKE.samples));
  const bad = (points: ThinkingStudy["points"]) => () => planThinking({ ...study, points });
  assertThrows(bad([{ name: "a", label: "" }, { name: "a", label: "" }]), "not unique");
  assertThrows(bad([{ name: "a/b", label: "" }]), "file-safe");
  assertThrows(bad([{ name: "a", label: "", samples: 0 }]), "samples must be a positive integer");
  assertThrows(bad([{ name: "a", label: "", noise: -1 }]), "noise must be ≥ 0");
});

Deno.test("heldOutData() refuses a key that does not describe a held-out set", async () => {
  await assertRejects(
    () => heldOutData(resolveConfig("smoke", {}), { lr: 1 }),
    "does not describe",
  );
});

Deno.test("runThinkingStudy() writes one record per point, keeps them, reruns a changed point", async () => {
  const study: ThinkingStudy = {
    name: "t",
    title: "test",
    model: "results/models/scarce-base",
    heldOut: { data: {}, puzzles: 4 },
    threshold: 0.5,
    thresholds: [0.5, 0.9],
    points: [
      { name: "deep", label: "deeper", depth: 10 },
      { name: "aug", label: "augmented", samples: 2, start: "augment", seed: 3 },
    ],
  };
  const results = await Deno.makeTempDir();
  try {
    const events: ThinkingEvent["kind"][] = [];
    const opts = {
      preset: "smoke",
      results,
      root,
      onEvent: (e: ThinkingEvent) => events.push(e.kind),
    };
    const [deep, aug] = await runThinkingStudy(study, opts);
    assertEquals(events.filter((e) => e !== "progress"), ["start", "done", "start", "done"]);
    assertEquals([deep!.settings.depth, deep!.summary.byStep.length], [SMOKE.depth, SMOKE.depth]);
    assertEquals([aug!.settings.samples, aug!.settings.seed, aug!.heldOut.puzzles], [2, 3, 4]);
    assert(aug!.code.length > 0 && aug!.model.trainedDepth === 8 && aug!.preset === "smoke");
    // Trajectory 0 is plain evaluation in both points: the same accuracy after every step.
    assertEquals(aug!.summary.byStep, deep!.summary.byStep);
    const path = recordPath(results, "t-aug");
    assertEquals(JSON.parse(await Deno.readTextFile(path)), aug);
    const mtime = (await Deno.stat(path)).mtime;
    events.length = 0;
    const again = await runThinkingStudy(study, opts);
    assertEquals(events, ["kept", "kept"]);
    assertEquals(again, [deep, aug]);
    assertEquals((await Deno.stat(path)).mtime, mtime);
    // A point whose settings changed runs again; the other is kept.
    events.length = 0;
    const changed = { ...study, points: [study.points[0]!, { ...study.points[1]!, seed: 4 }] };
    assertEquals((await runThinkingStudy(changed, { ...opts, run: false })).length, 1);
    await runThinkingStudy(changed, opts);
    assertEquals(events.filter((e) => e !== "progress"), ["kept", "kept", "start", "done"]);
  } finally {
    await Deno.remove(results, { recursive: true });
  }
});
