import { assert, assertAlmostEquals, assertEquals } from "../util/assert.ts";
import { pairedDifference, tInterval, verdict } from "./stats.ts";

Deno.test("tInterval: mean, sample std and the t interval (t(0.975, 2) = 4.303)", () => {
  const i = tInterval([1, 2, 3]);
  assertEquals([i.n, i.mean, i.std], [3, 2, 1]);
  assertAlmostEquals(i.hi - i.mean, 4.302653 / Math.sqrt(3), 1e-5);
  assertAlmostEquals(i.mean - i.lo, i.hi - i.mean, 1e-12);
  const one = tInterval([0.5]);
  assert(one.mean === 0.5 && Number.isNaN(one.lo) && Number.isNaN(one.std));
  assertEquals(tInterval([]).n, 0);
});

Deno.test("pairedDifference pairs by seed and ignores seeds only one side has", () => {
  const base = new Map([[0, 0.5], [1, 0.6], [2, 0.7], [5, 0.1]]);
  const variant = new Map([[0, 0.6], [1, 0.65], [2, 0.85], [7, 0.9]]);
  const d = pairedDifference(base, variant);
  assertEquals(d.seeds, [0, 1, 2]);
  assertAlmostEquals(d.mean, 0.1, 1e-12);
  // A shift that an unpaired comparison would call noise is clear when paired.
  const shifted = new Map([...base].map(([s, v]) => [s, v + 0.01]));
  assert(pairedDifference(base, shifted).lo > 0);
});

Deno.test("verdict: holds, reversed, inconclusive, and no claim", () => {
  const at = (lo: number, hi: number) => ({ n: 3, mean: (lo + hi) / 2, std: 1, lo, hi });
  assertEquals(verdict(at(-0.3, -0.1), -7.5), "holds");
  assertEquals(verdict(at(0.1, 0.3), -7.5), "reversed");
  assertEquals(verdict(at(-0.1, 0.3), -7.5), "inconclusive");
  assertEquals(verdict(at(0.1, 0.3), undefined), "no paper claim");
  assertEquals(verdict({ n: 1, mean: 0.2, std: NaN, lo: NaN, hi: NaN }, 3), "too few seeds");
});
