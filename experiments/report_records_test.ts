/**
 * The committed evidence: `deno task report` rebuilds every committed study
 * table (and figure spec) from the committed run records alone. The records
 * are the tracked files under results/runs/ (config.json, metrics.jsonl,
 * summary.json) and the point records of the thinking studies
 * (results/thinking/<study>-<point>.json); runs in progress in a working tree
 * are left out, as they are in a fresh clone.
 */
import { assert, assertEquals } from "@kit/util/mod.ts";
import { markdownTableCells } from "@kit/report/claims.ts";
import { main } from "./report.ts";

const root = new URL("..", import.meta.url).pathname;

async function tracked(path: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", path],
    cwd: root,
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
}

const records = [...await tracked("results/runs"), ...await tracked("results/thinking")];

Deno.test({
  name:
    "deno task report rebuilds the committed tables from the committed run and thinking records",
  ignore: records.length === 0,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "trm_records_" });
    try {
      for (const f of records) {
        const to = `${tmp}/${f.slice("results/".length)}`;
        await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
        await Deno.copyFile(`${root}${f}`, to);
      }
      const log = console.log;
      console.log = () => {};
      try {
        assertEquals(await main(["--results", tmp]), 0);
      } finally {
        console.log = log;
      }
      const rebuilt = [...Deno.readDirSync(`${tmp}/tables`)].map((e) => e.name).sort();
      const committed = (await tracked("results/tables")).map((f) => f.split("/").pop()!).sort();
      assertEquals(rebuilt, committed, "every committed table is rebuilt, and no other");
      for (const name of rebuilt) {
        assertEquals(
          await Deno.readTextFile(`${tmp}/tables/${name}`),
          await Deno.readTextFile(`${root}results/tables/${name}`),
          `results/tables/${name} differs from its rebuild: run deno task report`,
        );
      }
      const specs = [...Deno.readDirSync(`${tmp}/figures`)].map((e) => e.name)
        .filter((n) => n.endsWith(".vl.json"));
      assert(specs.length > 0, "figures are rebuilt too");
      for (const name of specs) {
        assertEquals(
          await Deno.readTextFile(`${tmp}/figures/${name}`),
          await Deno.readTextFile(`${root}results/figures/${name}`),
          `results/figures/${name} differs from its rebuild`,
        );
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("the README's results table is the claims table deno task report writes", async () => {
  const header = "| claim (paper Table 1-2)";
  const readme = markdownTableCells(await Deno.readTextFile(`${root}README.md`), header);
  const report = markdownTableCells(
    await Deno.readTextFile(`${root}results/tables/claims.md`),
    header,
  );
  assert(report.length > 1, "results/tables/claims.md has a claims table");
  assertEquals(readme, report, "README's claims table differs from results/tables/claims.md");
});
