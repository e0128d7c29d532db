import { assertEquals } from "../util/assert.ts";
import { claimsReadmeTable, markdownTableCells } from "./claims.ts";
import { toMarkdown } from "./table_format.ts";
import type { ReportTable } from "./tables.ts";

const verdicts: ReportTable = {
  name: "x_verdicts",
  title: "",
  caption: "note",
  columns: [],
  rows: [],
  data: [
    { study: "x", variant: "base", isBase: true, seeds: 3, exactMean: 0.732, exactStd: 0.047 },
    {
      study: "x",
      variant: "gradient=oneStep",
      seeds: 3,
      exactMean: 0.613,
      exactStd: 0.035,
      diffMean: -0.1186,
      diffLo: -0.1565,
      diffHi: -0.0805,
      bestDiffMean: 0.004,
      bestDiffLo: -0.01,
      bestDiffHi: 0.02,
      paperVariant: "w/ 1-step gradient",
      paperExactAcc: 56.5,
      paperDiff: -30.9,
      verdict: "holds",
    },
    {
      study: "x",
      variant: "halting=none",
      seeds: 1,
      exactMean: 0.818,
      diffMean: 0.031,
      verdict: "no paper claim",
    },
  ],
};

Deno.test("claimsReadmeTable() writes the README's row for a paper claim and for a one-seed extension", () => {
  const t = claimsReadmeTable([verdicts]);
  assertEquals(t.rows, [{
    claim: "w/ 1-step gradient",
    paper: "87.4 → 56.5 (−30.9)",
    kit: "73.2 ± 4.7 → 61.3 ± 3.5 (3)",
    diff: "−11.9 [−15.7, −8.1]",
    verdict: "holds",
    best: "+0.4 [−1.0, +2.0]",
    command: "`deno task sweep x`",
  }, {
    claim: "halting=none",
    paper: "— (kit's extension)",
    kit: "73.2 ± 4.7 → 81.8 (1)",
    diff: "+3.1 [no interval]",
    verdict: "no paper claim",
    best: "—",
    command: "`deno task sweep x`",
  }]);
});

Deno.test("markdownTableCells() reads a table by its header, padding and alignment row ignored", () => {
  const md = toMarkdown(claimsReadmeTable([verdicts]));
  const padded = md.replace("| w/ 1-step gradient |", "| w/ 1-step gradient     |");
  const cells = markdownTableCells(padded, "| claim");
  assertEquals(cells.length, 3);
  assertEquals(cells[1]![0], "w/ 1-step gradient");
  assertEquals(cells, markdownTableCells(md, "| claim"));
  assertEquals(markdownTableCells(md, "| no such header"), []);
});
