/**
 * Rebuilds every table and figure from `results/` alone (no training):
 *
 *   deno task report              all studies with a results/<study>/runs.csv
 *   deno task report depth ema    only these studies
 *   deno task report --results DIR   another results folder (as the sweep's --results)
 *
 * Tables go to results/tables/<study>.{md,html,tex,csv}, figures to
 * results/figures/<study>_<figure>.{vl.json,svg,png}.
 *
 * @module
 */
import { listStudies } from "@kit/report/load.ts";
import { writeStudyReport } from "@kit/report/study.ts";
import { parseCommandLine, runMain } from "@kit/run/cli.ts";

const FLAGS = { results: "string", help: "boolean" } as const;

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  if (p.flags.help) {
    console.log("usage: deno task report [STUDY ...] [--results DIR]");
    return 0;
  }
  if (Object.keys(p.overrides).length) {
    throw new Error(`report takes no config keys (got --${Object.keys(p.overrides)[0]})`);
  }
  const results = (p.flags.results as string | undefined) ?? "results";
  const all = await listStudies({ results });
  const studies = p.positionals.length ? p.positionals : all;
  if (!studies.length) throw new Error(`no studies under ${results} (no <study>/runs.csv)`);
  for (const s of studies) {
    if (!all.includes(s)) {
      throw new Error(
        `no study "${s}" under ${results}; studies: ${all.join(", ") || "none"}`,
      );
    }
  }
  for (const study of studies) {
    const t0 = performance.now();
    const { files, notes } = await writeStudyReport(study, { results });
    for (const n of notes) console.warn(`warning: ${n}`);
    const ms = Math.round(performance.now() - t0);
    console.log(`${study}: ${files.length} files in ${ms} ms`);
    for (const f of files) console.log(`  ${f}`);
  }
  return 0;
}

if (import.meta.main) await runMain(() => main(Deno.args));
