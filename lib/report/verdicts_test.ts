import pl from "nodejs-polars";
import { assert, assertAlmostEquals, assertEquals } from "../util/assert.ts";
import { compileSpec, renderSvg } from "./render.ts";
import { verdictFigure } from "./verdict_figure.ts";
import { armsOf, claimsTable, compareArms, verdictTable } from "./verdicts.ts";

/** A halting study: bce (the paper's TRM), qAct a little worse on every seed, none much better on one. */
function runs(): pl.DataFrame {
  const rows = [];
  const acc: Record<string, number[]> = {
    bce: [0.6, 0.7, 0.65],
    qAct: [0.55, 0.66, 0.6],
    none: [0.9, 0.5, 0.6],
  };
  for (const [halting, values] of Object.entries(acc)) {
    for (const [seed, exactAcc] of values.entries()) {
      rows.push({
        study: "halting",
        runId: `${halting}-${seed}`,
        status: "done",
        seed,
        varied: "halting",
        halting,
        ema: true,
        exactAcc,
        rawExactAcc: exactAcc - 0.1,
        trainSetExactAcc: 1,
        bestExactAcc: exactAcc + 0.01,
      });
    }
  }
  rows.push({ ...rows[0]!, runId: "failed", status: "failed", seed: 3, exactAcc: null });
  return pl.readRecords(rows);
}

Deno.test("compareArms pairs each variant with the paper's base and gives verdicts", () => {
  const { keys, arms } = armsOf(runs());
  const rows = compareArms(keys, arms);
  assertEquals(rows.map((r) => [r.arm.label, r.isBase, r.verdict]), [
    ["halting=bce", true, undefined],
    ["halting=qAct", false, "holds"], // paper: 86.1 < 87.4, kit: -0.047 on every seed
    ["halting=none", false, "no paper claim"],
  ]);
  assertAlmostEquals(rows[1]!.diff!.mean, -0.0466667, 1e-6);
  // Each run's best evaluation, paired the same way (here every best is its final + 1 point).
  assertAlmostEquals(rows[1]!.bestDiff!.mean, -0.0466667, 1e-6);
  assertEquals(rows[1]!.bestVerdict, "holds");
  assert(rows[1]!.diff!.hi < 0);
  assertEquals(rows[0]!.acc.n, 3, "the failed run is left out");
});

Deno.test("verdictTable reads 'no EMA' from the raw weights of the same runs", () => {
  const t = verdictTable(
    runs().filter(pl.col("halting").eq(pl.lit("bce"))).withColumns(
      pl.lit("ema").alias("varied"),
    ),
    { study: "ema", raw: { label: "no EMA (raw)", set: { ema: false } } },
  );
  assertEquals(t.rows.map((r) => [r.variant, r.verdict]), [
    ["ema=true (base)", "base"],
    ["no EMA (raw)", "holds"], // every seed 10 points lower; paper 79.9 < 87.4
  ]);
  assertEquals(t.rows[1]!.diff, "-10.0");
  assertEquals(t.data[1]!.paperDiff, 79.9 - 87.4);
  const all = claimsTable([t, verdictTable(runs(), { study: "halting" })]);
  assertEquals(all.rows.map((r) => `${r.study}: ${r.variant}`), [
    "ema: no EMA (raw)",
    "halting: halting=qAct",
    "halting: halting=none",
  ]);
});

Deno.test("verdictFigure draws each paired difference with its interval and the paper's", async () => {
  const t = verdictTable(runs(), { study: "halting" });
  const fig = verdictFigure(t) as unknown as { data: { values: Record<string, unknown>[] } };
  assertEquals(fig.data.values.map((v) => [v.claim, v.verdict]), [
    ["halting: halting=qAct", "holds"],
    ["halting: halting=none", "no paper claim"],
  ]);
  assertAlmostEquals(fig.data.values[0]!.paper as number, 86.1 - 87.4, 1e-9);
  assertEquals(compileSpec(verdictFigure(t) as Parameters<typeof compileSpec>[0]).warnings, []);
  const svg = await renderSvg(verdictFigure(t));
  assert(svg.includes("<svg") && svg.includes("halting=qAct"));
});
