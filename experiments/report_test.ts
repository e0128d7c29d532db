import { assert, assertEquals, assertRejects } from "@kit/util/mod.ts";
import { STUDIES, writeSyntheticResults } from "@kit/report/testdata/synthetic.ts";
import { main } from "./report.ts";

Deno.test("report main() rebuilds every table and figure from results/ alone", async () => {
  const root = await Deno.makeTempDir({ prefix: "trm_report_cli_" });
  try {
    await writeSyntheticResults(`${root}/results`);
    const log = console.log;
    console.log = () => {};
    try {
      assertEquals(await main(["--results", `${root}/results`]), 0);
    } finally {
      console.log = log;
    }
    const names = (dir: string) =>
      [...Deno.readDirSync(`${root}/results/${dir}`)].map((e) => e.name);
    const tables = names("tables"), figures = names("figures");
    for (const study of Object.keys(STUDIES)) {
      for (const ext of ["md", "html", "tex", "csv"]) {
        assert(tables.includes(`${study}.${ext}`), `${study}.${ext}`);
      }
    }
    assert(tables.includes("hrm_depth_matched.md"));
    const expected = [
      "depth_accuracy_vs_depth",
      "depth_accuracy_n_T",
      "depth_curves_exact",
      "ablation_curves_loss",
      "halting_halting_steps",
      "backend_tokens_per_sec",
      "hrm_accuracy_vs_depth",
    ];
    for (const f of expected) {
      for (const ext of ["vl.json", "svg", "png"]) {
        assert(figures.includes(`${f}.${ext}`), `${f}.${ext}`);
      }
    }
    assert(
      !figures.some((f) => f.startsWith("hrm_accuracy_n_T")),
      "no heatmap for a sparse n x T grid",
    );
    assert(
      !figures.some((f) => f.startsWith("ablation_tokens_per_sec")),
      "one backend: no throughput figure",
    );
    await assertRejects(() => main(["--results", `${root}/results`, "nope"]), 'no study "nope"');
    await assertRejects(
      () => main(["--results", `${root}/results`, "--lr", "1"]),
      "report takes no config keys",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
