import { assert, assertEquals } from "../util/assert.ts";
import { columnsFor } from "../run/results.ts";
import { PRESETS } from "../run/presets.ts";
import { expandStudy, variedKeys } from "../run/study.ts";
import { STUDIES } from "./mod.ts";

Deno.test("every study in lib/studies expands to valid, distinct runs at every preset", () => {
  const files = [...Deno.readDirSync(new URL(".", import.meta.url))]
    .map((e) => e.name).filter((n) => n.endsWith(".ts") && !/(^mod|_test)\.ts$/.test(n))
    .map((n) => n.replace(/\.ts$/, "")).sort();
  assertEquals(Object.keys(STUDIES).sort(), files, "each file is registered under its name");
  for (const study of Object.values(STUDIES)) {
    assert(study.title && variedKeys(study).length > 0 && study.seeds.length > 0, study.name);
    for (const preset of PRESETS) {
      const plan = expandStudy(study, { preset });
      assertEquals(new Set(plan.map((r) => r.runId)).size, plan.length, `${study.name} ${preset}`);
      columnsFor(plan); // no config leaf collides with a result column
    }
  }
});

Deno.test("studies under one regime share its base run and its fixed puzzles", () => {
  const base = (name: string) => expandStudy(STUDIES[name]!).filter((r) => r.seed === 0)[0]!;
  const ids = ["ema", "gradient", "halting", "networks", "latent-features", "mixer"].map((s) =>
    base(s).runId
  );
  assertEquals(new Set(ids).size, 1, "one base run per seed, shared by every one-switch study");
  const run = base("ema");
  assertEquals([run.config.data.dataSeed, run.config.data.testPuzzles, run.config.run.threads], [
    1000,
    2000,
    1,
  ]);
  // At other presets the regime does not apply (tests run studies at smoke).
  assertEquals(expandStudy(STUDIES.ema!, { preset: "smoke" })[0]!.config.data.dataSeed, -1);
});
