/**
 * Runs a declared thinking study (lib/studies/thinking/): the points whose
 * record is missing, one pass of the model each, then its tables and figures.
 *
 *   deno task think thinking --threads 1         the study as declared (records in results/thinking/)
 *   deno task think thinking --dryRun            what it would run
 *   deno task think thinking --points augment    only these points (two processes can share a study)
 *   deno task think thinking --preset smoke --results /tmp/r   a tiny version (tests)
 *
 * Resumable: each finished point is written atomically to
 * results/thinking/<study>-<point>.json (settings, seed, model, held-out set,
 * code version, summary); a point with a record is kept, unless its settings
 * changed. `deno task report` rebuilds the tables and figures from the records.
 *
 * @module
 */
import { backendFromArgs, parseCommandLine, runMain } from "@kit/run/mod.ts";
import { bar } from "@kit/run/progress.ts";
import { planThinking, runThinkingStudy, THINKING_STUDIES } from "@kit/studies/mod.ts";
import type { ThinkingEvent } from "@kit/studies/mod.ts";
import { writeThinkingReport } from "@kit/report/thinking_study.ts";

const FLAGS = {
  preset: "string",
  results: "string",
  batchSize: "string",
  points: "string",
  dryRun: "boolean",
  help: "boolean",
} as const;

/** Config keys think takes: where it runs. */
const RUN_KEYS = ["backend", "threads", "blas"];

export async function main(args: string[]): Promise<number> {
  const p = parseCommandLine(args, FLAGS);
  const names = Object.keys(THINKING_STUDIES);
  if (p.flags.help || !p.positionals.length) {
    console.log(
      `usage: deno task think STUDY [--preset smoke] [--results DIR] [--batchSize ROWS] [--points NAME,...] [--dryRun] [--threads N] [--backend NAME]\n  studies: ${
        names.join(", ")
      }`,
    );
    return p.flags.help ? 0 : 2;
  }
  for (const key of Object.keys(p.overrides)) {
    if (!RUN_KEYS.includes(key)) {
      throw new Error(`think does not apply --${key}: the study declares its settings`);
    }
  }
  const preset = (p.flags.preset as string | undefined) ?? "cpu";
  const results = (p.flags.results as string | undefined) ?? "results";
  const batchSize = p.flags.batchSize ? Number(p.flags.batchSize) : undefined;
  for (const name of p.positionals) {
    const study = THINKING_STUDIES[name];
    if (!study) throw new Error(`no thinking study "${name}"; declared: ${names.join(", ")}`);
    if (p.flags.dryRun) {
      for (const pt of planThinking(study, preset)) {
        console.log(
          `${pt.id}: ${pt.puzzles} puzzles, K=${pt.samples}, depth ${pt.depth ?? "trained"}, ` +
            `σ=${pt.noise} on ${pt.noiseOn}, start ${pt.start}, seed ${pt.seed}`,
        );
      }
      continue;
    }
    const backend = await backendFromArgs(p);
    const records = await runThinkingStudy(study, {
      preset,
      results,
      batchSize,
      only: p.flags.points ? (p.flags.points as string).split(",").map((s) => s.trim()) : undefined,
      backend: `${backend.name} (${backend.threads} thread${backend.threads > 1 ? "s" : ""})`,
      command: `deno task think ${args.join(" ")}`,
      onEvent: printer(),
    });
    const files = await writeThinkingReport(study.name, records, results);
    console.log(`${study.name}: ${records.length} points; ${files.length} files`);
    for (const f of files) console.log(`  ${f}`);
  }
  return 0;
}

/** Progress on stderr: a line per point, and a bar as its puzzles finish. */
function printer(): (e: ThinkingEvent) => void {
  const write = (s: string) => Deno.stderr.writeSync(new TextEncoder().encode(s));
  const tty = Deno.stderr.isTerminal();
  let t0 = 0, last = 0;
  return (e) => {
    if (e.kind === "kept") write(`${e.index}/${e.total} ${e.point.id}: record kept\n`);
    else if (e.kind === "start") {
      t0 = performance.now();
      write(`${e.index}/${e.total} ${e.point.id}: ${e.point.label}\n`);
    } else if (e.kind === "progress") {
      const now = performance.now();
      if (e.done < e.puzzles && now - last < (tty ? 500 : 30000)) return;
      last = now;
      const sec = (now - t0) / 1000, eta = (sec / e.done) * (e.puzzles - e.done);
      const line = `  ${bar(e.done, e.puzzles)} puzzles, ${sec.toFixed(0)} s, ~${
        eta.toFixed(0)
      } s left`;
      write(tty ? `\r${line}${e.done === e.puzzles ? "\n" : ""}` : `${line}\n`);
    } else {
      const best = e.record.summary.rules.map((r) => `${r.rule} ${(100 * r.exact).toFixed(1)}%`);
      const plain = e.record.summary.byStep[e.record.summary.trainedDepth - 1];
      write(
        `  done in ${e.record.seconds} s: plain at trained depth ${
          plain ? (100 * plain.exact).toFixed(1) : "?"
        }%; K=${e.record.settings.samples}: ${best.join(", ")}\n`,
      );
    }
  };
}

if (import.meta.main) await runMain(() => main(Deno.args));
