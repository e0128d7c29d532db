/**
 * The rules that pick one of K trajectories of a {@link ThinkRecord}, and
 * their accuracy and cost. All of it is arithmetic on the record, so every
 * rule and threshold comes from one run of the model (think_summary.ts adds
 * the depth and halting curves).
 *
 * Compute is counted in net calls per puzzle: a supervision step of one
 * trajectory is T·(n+1) calls of the tiny network, and K trajectories cost K
 * times as much.
 *
 * @module
 */
import type { ThinkRecord } from "./think.ts";

/** The selection rules over K trajectories. */
export const SELECT_RULES = ["qhalt", "first-halt", "vote", "verify", "oracle"] as const;
export type SelectRule = typeof SELECT_RULES[number];

/** What each rule is; the verifier and the oracle are not the model's own. */
export const RULE_LABELS: Readonly<Record<SelectRule, string>> = {
  qhalt: "highest final q_halt",
  "first-halt": "first to halt",
  vote: "majority vote",
  verify: "rule check (verifier)",
  oracle: "oracle pass@K (upper bound)",
};

/** Which trajectory a rule picks, the step its answer is read at, and the steps every trajectory ran. */
export interface Choice {
  sample: number;
  step: number;
  stepsRun: number;
}

/** Options of the rules: the first `samples` trajectories (default all) and the halting threshold. */
export interface RuleOptions {
  samples?: number;
  /** sigmoid(q_halt) must pass this to halt (default 0.5, the training rule). */
  threshold?: number;
}

/**
 * The q_halt logit a threshold on sigmoid(q_halt) means: sigmoid(q) > p
 * exactly when q > log(p / (1 - p)), and 0.5 gives 0, the rule evaluation
 * uses, with no rounding in between.
 */
export function haltLogit(threshold: number): number {
  if (!(threshold > 0 && threshold < 1)) {
    throw new Error(`halting threshold must lie strictly between 0 and 1, got ${threshold}`);
  }
  return Math.log(threshold / (1 - threshold));
}

/** Where puzzle p, trajectory k, step t (0-based) sits in the record's per-step arrays. */
export function at(rec: ThinkRecord, p: number, k: number, t: number): number {
  return (p * rec.samples + k) * rec.depth + t;
}

function samplesOf(rec: ThinkRecord, samples?: number): number {
  const k = samples ?? rec.samples;
  if (!Number.isInteger(k) || k < 1 || k > rec.samples) {
    throw new Error(`samples must be an integer in [1, ${rec.samples}], got ${k}`);
  }
  return k;
}

/** Among trajectories `ks`, the one with the highest q_halt after step t (0-based); ties: the first. */
function highestQ(rec: ThinkRecord, p: number, ks: number[], t: number): number {
  return ks.reduce((best, k) =>
    rec.qHalt[at(rec, p, k, t)]! > rec.qHalt[at(rec, p, best, t)]! ? k : best
  );
}

/** The trajectory `rule` picks for puzzle `p`. */
export function choose(
  rec: ThinkRecord,
  p: number,
  rule: SelectRule,
  opts: RuleOptions = {},
): Choice {
  const all = Array.from({ length: samplesOf(rec, opts.samples) }, (_, k) => k);
  const d = rec.depth, last = d - 1;
  const final = (k: number): Choice => ({ sample: k, step: d, stepsRun: d });
  switch (rule) {
    case "qhalt":
      return final(highestQ(rec, p, all, last));
    case "first-halt": {
      // Every trajectory runs until one halts; ties at that step go to the higher q_halt.
      const limit = haltLogit(opts.threshold ?? 0.5);
      for (let t = 0; t < d; t++) {
        const halted = all.filter((k) => rec.qHalt[at(rec, p, k, t)]! > limit);
        if (halted.length) {
          return { sample: highestQ(rec, p, halted, t), step: t + 1, stepsRun: t + 1 };
        }
      }
      return final(highestQ(rec, p, all, last)); // none halted: the most confident at the end
    }
    case "vote":
      return final(vote(rec, p, all));
    case "verify": {
      if (!rec.ruleOk) {
        throw new Error("the verify rule needs a rule check (Sudoku or maze puzzles)");
      }
      const ok = all.filter((k) => rec.ruleOk![p * rec.samples + k]);
      return final(highestQ(rec, p, ok.length ? ok : all, last)); // none passes: as qhalt
    }
    case "oracle": // reads the solution: the most cells right
      return final(
        all.reduce((b, k) =>
          rec.correct[at(rec, p, k, last)]! > rec.correct[at(rec, p, b, last)]! ? k : b
        ),
      );
  }
}

/** Majority over the final answers; ties: higher mean sigmoid(q_halt), then the first trajectory. */
function vote(rec: ThinkRecord, p: number, ks: number[]): number {
  const s = rec.seqLen, groups = new Map<string, { first: number; votes: number; conf: number }>();
  for (const k of ks) {
    const r = p * rec.samples + k;
    const key = rec.answers.subarray(r * s, (r + 1) * s).join(",");
    const g = groups.get(key) ?? { first: k, votes: 0, conf: 0 };
    g.votes += 1;
    g.conf += 1 / (1 + Math.exp(-rec.qHalt[at(rec, p, k, rec.depth - 1)]!));
    groups.set(key, g);
  }
  let best = groups.values().next().value!;
  for (const g of groups.values()) {
    if (
      g.votes > best.votes || (g.votes === best.votes && g.conf / g.votes > best.conf / best.votes)
    ) {
      best = g;
    }
  }
  return best.first;
}

/** A rule's accuracy and cost over all puzzles. */
export interface RuleScore {
  rule: SelectRule;
  label: string;
  samples: number;
  /** Share of puzzles whose chosen answer is exactly right. */
  exact: number;
  /** Share of answer cells right in the chosen answers. */
  cell: number;
  /** Mean supervision steps each trajectory ran. */
  steps: number;
  /** Mean net calls per puzzle: samples · steps · T(n+1). */
  calls: number;
}

/** Scores `rule` over every puzzle of the record. */
export function scoreRule(rec: ThinkRecord, rule: SelectRule, opts: RuleOptions = {}): RuleScore {
  const k = samplesOf(rec, opts.samples);
  let exact = 0, right = 0, cells = 0, steps = 0;
  for (let p = 0; p < rec.puzzles; p++) {
    const c = choose(rec, p, rule, opts);
    exact += rec.exact[at(rec, p, c.sample, c.step - 1)]!;
    right += rec.correct[at(rec, p, c.sample, c.step - 1)]!;
    cells += rec.cells[p]!;
    steps += c.stepsRun;
  }
  const n = Math.max(1, rec.puzzles);
  return {
    rule,
    label: RULE_LABELS[rule],
    samples: k,
    exact: exact / n,
    cell: right / Math.max(1, cells),
    steps: steps / n,
    calls: (k * steps * rec.callsPerStep) / n,
  };
}

/** The rules that apply to a record: all of them, less `verify` where there is no rule check. */
export function availableRules(rec: ThinkRecord): SelectRule[] {
  return SELECT_RULES.filter((r) => r !== "verify" || rec.ruleOk !== undefined);
}
