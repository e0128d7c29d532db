/**
 * ARC-like tasks with known rules, for tests and CPU-scale studies: each
 * task draws a rule and its parameters, then random input grids, and the
 * outputs are the rule applied to them. A model that learns these has
 * learned something checkable, unlike on the hand-made ARC tasks.
 *
 * Rules: `flip` (one of the 7 non-identity dihedral transforms), `recolour`
 * (a permutation of colours 1-9), `move` (every coloured cell shifts by a
 * fixed vector), `scale` (every cell becomes a 2×2 block).
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";
import type { ArcTask } from "./arc.ts";
import { dihedral, type DihedralId, type Grid, randomColourMap, recolour } from "./augment.ts";

/** The rule kinds. */
export const ARC_RULES = ["flip", "recolour", "move", "scale"] as const;
export type ArcRuleKind = typeof ARC_RULES[number];

/** A rule with its parameters. */
export type ArcRule =
  | { kind: "flip"; dihedral: DihedralId }
  | { kind: "recolour"; colours: number[] }
  | { kind: "move"; dr: number; dc: number }
  | { kind: "scale" };

/** A generated task and the rule that made it. */
export interface GeneratedArcTask extends ArcTask {
  rule: ArcRule;
}

/** The output of a rule for one input. */
export function applyArcRule(rule: ArcRule, g: Grid): Grid {
  switch (rule.kind) {
    case "flip":
      return dihedral(g, rule.dihedral);
    case "recolour":
      return recolour(g, rule.colours);
    case "move": {
      const cells = new Uint8Array(g.cells.length);
      for (let r = 0; r < g.rows; r++) {
        for (let c = 0; c < g.cols; c++) {
          const v = g.cells[r * g.cols + c]!, tr = r + rule.dr, tc = c + rule.dc;
          if (v && tr >= 0 && tr < g.rows && tc >= 0 && tc < g.cols) cells[tr * g.cols + tc] = v;
        }
      }
      return { rows: g.rows, cols: g.cols, cells };
    }
    case "scale": {
      const cols = 2 * g.cols, cells = new Uint8Array(4 * g.cells.length);
      for (let i = 0; i < cells.length; i++) {
        cells[i] = g
          .cells[Math.floor(Math.floor(i / cols) / 2) * g.cols + Math.floor((i % cols) / 2)]!;
      }
      return { rows: 2 * g.rows, cols, cells };
    }
  }
}

/** A random rule of `kind`. */
function randomRule(kind: ArcRuleKind, prng: Prng): ArcRule {
  switch (kind) {
    case "flip":
      return { kind, dihedral: (1 + prng.int(7)) as DihedralId };
    case "recolour":
      return { kind, colours: randomColourMap(prng) };
    case "move": {
      const steps = [[0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [2, 0], [0, 2]];
      const [dr, dc] = steps[prng.int(steps.length)]!;
      const flip = prng.next() < 0.5 ? -1 : 1;
      return { kind, dr: dr! * flip, dc: dc! * flip };
    }
    case "scale":
      return { kind };
  }
}

/**
 * A random input: black background with a few coloured rectangles. For
 * `move`, the objects keep clear of the edges they move towards, so nothing
 * is lost and the rule can be inferred from the demonstrations.
 */
function randomInput(rule: ArcRule, rows: number, cols: number, prng: Prng): Grid {
  const cells = new Uint8Array(rows * cols);
  const dr = rule.kind === "move" ? rule.dr : 0, dc = rule.kind === "move" ? rule.dc : 0;
  const rMin = Math.max(0, -dr),
    rMax = rows - Math.max(0, dr),
    cMin = Math.max(0, -dc),
    cMax = cols - Math.max(0, dc);
  const objects = 1 + prng.int(3);
  for (let k = 0; k < objects; k++) {
    const h = 1 + prng.int(Math.max(1, Math.min(3, rMax - rMin))),
      w = 1 + prng.int(Math.max(1, Math.min(3, cMax - cMin)));
    const r0 = rMin + prng.int(Math.max(1, rMax - rMin - h + 1)),
      c0 = cMin + prng.int(Math.max(1, cMax - cMin - w + 1));
    const colour = 1 + prng.int(9);
    for (let r = r0; r < Math.min(r0 + h, rMax); r++) {
      for (let c = c0; c < Math.min(c0 + w, cMax); c++) cells[r * cols + c] = colour;
    }
  }
  return { rows, cols, cells };
}

/** Options of {@link generateArcTask}. */
export interface ArcTaskOptions {
  prng: Prng;
  /** Rule kinds to draw from (default: all). */
  rules?: readonly ArcRuleKind[];
  /** Grid sides, inputs and outputs, are at most this (default 10). */
  maxSize?: number;
  /** Demonstration pairs (default 3) and test pairs (default 1). */
  demos?: number;
  tests?: number;
  /** Task id (default "gen-<rule>"). */
  id?: string;
}

/** A task: a random rule and demonstration and test pairs that follow it. */
export function generateArcTask(opts: ArcTaskOptions): GeneratedArcTask {
  const { prng, demos = 3, tests = 1, maxSize = 10 } = opts;
  const kinds = opts.rules ?? ARC_RULES;
  const rule = randomRule(kinds[prng.int(kinds.length)]!, prng);
  const side = rule.kind === "scale" ? Math.floor(maxSize / 2) : maxSize;
  if (side < 3) throw new Error(`maxSize ${maxSize} is too small for the ${rule.kind} rule`);
  const pair = () => {
    const input = randomInput(rule, 3 + prng.int(side - 2), 3 + prng.int(side - 2), prng);
    return { input, output: applyArcRule(rule, input) };
  };
  const id = opts.id ?? `gen-${rule.kind}`;
  return {
    id,
    file: `(generated ${id})`,
    rule,
    train: Array.from({ length: demos }, pair),
    test: Array.from({ length: tests }, pair),
  };
}

/** `count` generated tasks with ids `<prefix>-<i>-<rule>`. */
export function generateArcTasks(
  count: number,
  opts: Omit<ArcTaskOptions, "id"> & { prefix?: string },
): GeneratedArcTask[] {
  return Array.from({ length: count }, (_, i) => {
    const t = generateArcTask(opts);
    const id = `${opts.prefix ?? "gen"}-${i}-${t.rule.kind}`;
    return { ...t, id, file: `(generated ${id})` };
  });
}
