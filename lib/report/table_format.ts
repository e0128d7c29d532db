/**
 * A {@link ReportTable} as Markdown (README, notebooks), HTML (notebooks),
 * LaTeX (papers, booktabs) and CSV (the numbers behind the cells). Polars
 * has no Markdown or LaTeX writer, hence these few formatters.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { ReportTable } from "./tables.ts";

/** GitHub Markdown: bold title line, the table, the caption in italics. */
export function toMarkdown(t: ReportTable): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.map(esc).join(" | ")} |`;
  return [
    `**${esc(t.title)}**`,
    "",
    line(t.columns.map((c) => c.label)),
    `|${t.columns.map((c) => (c.align === "right" ? "---:" : ":---")).join("|")}|`,
    ...t.rows.map((r) => line(t.columns.map((c) => r[c.key] ?? ""))),
    "",
    `*${esc(t.caption)}*`,
    "",
  ].join("\n");
}

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A self-contained HTML table with the title as caption and the note below. */
export function toHTML(t: ReportTable): string {
  const align = (a: string) => `style="text-align:${a}"`;
  const head = t.columns.map((c) => `<th ${align(c.align)}>${escapeHtml(c.label)}</th>`).join("");
  const body = t.rows.map((r) =>
    `<tr>${
      t.columns.map((c) => `<td ${align(c.align)}>${escapeHtml(r[c.key] ?? "")}</td>`).join("")
    }</tr>`
  );
  return [
    `<table class="trm-report">`,
    `<caption style="caption-side:top;font-weight:bold">${escapeHtml(t.title)}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body.join("\n")}\n</tbody>`,
    `</table>`,
    `<p style="font-size:smaller"><em>${escapeHtml(t.caption)}</em></p>`,
  ].join("\n");
}

const LATEX_SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "±": "$\\pm$",
  "–": "--",
  "·": "$\\cdot$",
};

function escapeLatex(s: string): string {
  return s.replace(/[\\&%$#_{}~^±–·]/g, (ch) => LATEX_SPECIALS[ch]!);
}

/** A booktabs `table` environment with caption; needs `\usepackage{booktabs}`. */
export function toLaTeX(t: ReportTable): string {
  const spec = t.columns.map((c) => (c.align === "right" ? "r" : "l")).join("");
  const line = (cells: string[]) => `  ${cells.map(escapeLatex).join(" & ")} \\\\`;
  return [
    "\\begin{table}[t]",
    "\\centering",
    `\\caption{${escapeLatex(t.title)}. ${escapeLatex(t.caption)}}`,
    `\\label{tab:${t.name.replace(/[^A-Za-z0-9]/g, "-")}}`,
    `\\begin{tabular}{${spec}}`,
    "\\toprule",
    line(t.columns.map((c) => c.label)),
    "\\midrule",
    ...t.rows.map((r) => line(t.columns.map((c) => r[c.key] ?? ""))),
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
    "",
  ].join("\n");
}

/** The unformatted numbers as CSV. */
export function toCSV(t: ReportTable): string {
  if (t.data.length === 0) return "";
  return pl.DataFrame(t.data).writeCSV().toString();
}

/** Writes `<dir>/<name>.{md,html,tex,csv}`; returns the paths. */
export async function saveTable(t: ReportTable, dir: string): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ["md", toMarkdown(t)],
    ["html", toHTML(t)],
    ["tex", toLaTeX(t)],
    ["csv", toCSV(t)],
  ];
  const paths: string[] = [];
  for (const [ext, text] of files) {
    const path = `${dir}/${t.name}.${ext}`;
    await Deno.writeTextFile(path, text);
    paths.push(path);
  }
  return paths;
}
