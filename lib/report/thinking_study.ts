/**
 * The tables and figures of a thinking study, rebuilt from its point records
 * (results/thinking/<id>.json, lib/train/think_point.ts) alone: the best
 * setting of every way of spending compute against plain evaluation at the
 * trained depth, accuracy after every evaluation step, each rule against K,
 * the halting trade-off, and accuracy against net calls per puzzle.
 *
 * @module
 */
import type { ThinkPointRecord } from "../train/think_point.ts";
import type { RuleScore } from "../train/think_select.ts";
import type { HaltPoint } from "../train/think_summary.ts";
import type { Figure } from "./_spec.ts";
import { saveFigure } from "./render.ts";
import { saveTable } from "./table_format.ts";
import type { Column, ReportTable } from "./tables.ts";
import { computeFigure, depthFigure, samplesFigure } from "./thinking.ts";

/** The records of `ids` under `<results>/thinking/` that exist, in the order of `ids`. */
export async function loadThinkingRecords(
  results: string,
  ids: readonly string[],
): Promise<ThinkPointRecord[]> {
  const out: ThinkPointRecord[] = [];
  for (const id of ids) {
    try {
      out.push(JSON.parse(await Deno.readTextFile(`${results}/thinking/${id}.json`)));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return out;
}

/** The record that ran deepest with one trajectory (else the deepest): its curves are the longest. */
function deepest(records: readonly ThinkPointRecord[]): ThinkPointRecord {
  const one = records.filter((r) => r.settings.samples === 1);
  return [...(one.length ? one : records)].sort((a, b) => b.settings.depth - a.settings.depth)[0]!;
}

const pct = (x: number) => (100 * x).toFixed(1);
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const col = (key: string, label: string, align: "left" | "right" = "right"): Column => ({
  key,
  label,
  align,
});

type Row = {
  what: string;
  setting: string;
  K: number;
  depth: number;
  steps: number;
  calls: number;
  exact: number;
  cell: number;
};

/** How a record's extra trajectories differ: "σ = 0.2 on z", "augmented starts", or "-". */
function how(r: ThinkPointRecord): string {
  const s = r.settings;
  if (s.samples === 1) return "-";
  if (s.start === "augment") return s.noise > 0 ? `augmented, σ = ${s.noise}` : "augmented starts";
  return `σ = ${s.noise} on ${s.noiseOn}`;
}

function table(
  name: string,
  title: string,
  caption: string,
  rows: Row[],
  delta?: number,
): ReportTable {
  const columns = [
    col("what", "evaluation", "left"),
    col("setting", "trajectories 2..K", "left"),
    col("K", "K"),
    col("depth", "depth"),
    col("steps", "steps"),
    col("calls", "net calls/puzzle"),
    col("exact", "exact %"),
    col("cell", "cell %"),
    ...(delta === undefined ? [] : [col("gain", "Δ exact (points)")]),
  ];
  return {
    name,
    title,
    caption,
    columns,
    rows: rows.map((r) => ({
      what: r.what,
      setting: r.setting,
      K: String(r.K),
      depth: String(r.depth),
      steps: num(r.steps),
      calls: r.calls.toFixed(0),
      exact: pct(r.exact),
      cell: pct(r.cell),
      ...(delta === undefined ? {} : { gain: (100 * (r.exact - delta)).toFixed(1) }),
    })),
    data: rows.map((r) => ({
      ...r,
      calls: +r.calls.toFixed(2),
      ...(delta === undefined ? {} : { gain: +(r.exact - delta).toFixed(4) }),
    })),
  };
}

/** Best of a list: highest exact, then fewer net calls. */
function best<T extends { exact: number; calls: number }>(xs: readonly T[]): T | undefined {
  return xs.reduce<T | undefined>(
    (b, x) => (!b || x.exact > b.exact || (x.exact === b.exact && x.calls < b.calls) ? x : b),
    undefined,
  );
}

/** Every rule score at every K > 1 of every record with K > 1, with its record. */
function ruleScores(records: readonly ThinkPointRecord[]) {
  return records.filter((r) => r.settings.samples > 1).flatMap((r) =>
    r.summary.bySamples.filter((s) => s.samples > 1).map((s) => ({ r, s, ...s }))
  );
}

function ruleRow(r: ThinkPointRecord, s: RuleScore, what = s.label): Row {
  return {
    what,
    setting: how(r),
    K: s.samples,
    depth: r.settings.depth,
    steps: s.steps,
    calls: s.calls,
    exact: s.exact,
    cell: s.cell,
  };
}

/** The study's tables: best per way of spending compute, depth, rules against K, halting. */
export function thinkingStudyTables(
  name: string,
  records: readonly ThinkPointRecord[],
): ReportTable[] {
  if (!records.length) return [];
  const deep = deepest(records), s = deep.summary, trained = s.trainedDepth;
  const n = `${s.puzzles} held-out puzzles (${deep.heldOut.source})`;
  const calls = `net calls per puzzle = K · steps · T(n+1), T(n+1) = ${s.callsPerStep}`;
  const plain = (d: number, what: string): Row => {
    const p = s.byStep[d - 1]!;
    return {
      what,
      setting: "-",
      K: 1,
      depth: d,
      steps: d,
      calls: p.calls,
      exact: p.exact,
      cell: p.cell,
    };
  };
  const at = plain(trained, "plain, trained depth");
  const deeper = best(s.byStep.filter((p) => p.step > trained));
  const haltRow = (h: HaltPoint): Row => ({
    what: `halting head, p > ${h.threshold}`,
    setting: "-",
    K: 1,
    depth: deep.settings.depth,
    steps: h.steps,
    calls: h.calls,
    exact: h.exact,
    cell: h.cell,
  });
  const halt = best(s.halting);
  const rules = ruleScores(records);
  const bestRows: Row[] = [at];
  if (deeper) bestRows.push(plain(deeper.step, "plain, best deeper depth"));
  if (halt) bestRows.push(haltRow(halt));
  // Per way of making trajectories differ (noise, augmented starts), each rule at its best σ, K, depth.
  const kind = (r: ThinkPointRecord) =>
    r.settings.start === "augment" ? "augment" : `noise on ${r.settings.noiseOn}`;
  for (const k of [...new Set(rules.map((x) => kind(x.r)))]) {
    for (const rule of [...new Set(rules.map((x) => x.rule))]) {
      const b = best(rules.filter((x) => x.rule === rule && kind(x.r) === k));
      if (b) bestRows.push(ruleRow(b.r, b.s));
    }
  }
  const head = `${n}; trained with N_sup = ${trained}; ${calls}`;
  const byStep = s.byStep.map((p) =>
    plain(p.step, p.step === trained ? "plain, trained depth" : "plain")
  );
  const halting = s.halting.map(haltRow);
  return [
    table(
      `${name}_best`,
      "Thinking longer: the best setting of each way of spending test-time compute",
      `${head}. Best = highest exact accuracy over the study's settings (ties: fewer calls); ` +
        "the rule check is a verifier the model does not have, the oracle an upper bound.",
      bestRows,
      at.exact,
    ),
    table(
      `${name}_depth`,
      "Thinking longer: accuracy after every supervision step, one trajectory",
      head,
      byStep,
    ),
    table(
      `${name}_rules`,
      "Thinking longer: each selection rule against K trajectories",
      `${head}. K < the point's own K: its first K trajectories (trajectory 1 is plain).`,
      rules.map((x) => ruleRow(x.r, x.s)),
    ),
    table(
      `${name}_halting`,
      "Thinking longer: the halting head's accuracy-compute trade-off",
      `${head}. Each puzzle stops at the first step with sigmoid(q_halt) > p, else at the depth.`,
      halting,
    ),
  ];
}

/** The study's figures, by file stem: depth, each K-point against K, and compute. */
export function thinkingStudyFigures(
  name: string,
  records: readonly ThinkPointRecord[],
): { name: string; spec: Figure }[] {
  if (!records.length) return [];
  const deep = deepest(records);
  const ordered = [deep, ...records.filter((r) => r !== deep)];
  return [
    { name: `${name}_depth`, spec: depthFigure(deep.summary) },
    ...records.filter((r) => r.settings.samples > 1).map((r) => ({
      name: `${name}_samples_${r.point}`,
      spec: samplesFigure(r.summary, { subtitle: `trajectories 2..K: ${how(r)}` }),
    })),
    {
      name: `${name}_compute`,
      spec: computeFigure(ordered.map((r) => ({ label: how(r), summary: r.summary }))),
    },
  ];
}

/** Writes the tables to <results>/tables and the figures to <results>/figures; returns the files. */
export async function writeThinkingReport(
  name: string,
  records: readonly ThinkPointRecord[],
  results = "results",
): Promise<string[]> {
  const files: string[] = [];
  for (const t of thinkingStudyTables(name, records)) {
    files.push(...await saveTable(t, `${results}/tables`));
  }
  for (const f of thinkingStudyFigures(name, records)) {
    files.push(...await saveFigure(f.spec, `${results}/figures/${f.name}`));
  }
  return files;
}
