import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "./prng.ts";

Deno.test("Prng is determined by its seed and its state round-trips", () => {
  const a = new Prng(7), b = new Prng(7), c = new Prng(8);
  const xs = Array.from({ length: 5 }, () => a.uint32());
  assertEquals(xs, Array.from({ length: 5 }, () => b.uint32()));
  assert(xs[0] !== c.uint32());
  const saved = a.getState();
  const next = a.next();
  a.setState(saved);
  assertEquals(a.next(), next);
});

Deno.test("Prng.int and permutation cover their range", () => {
  const p = new Prng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(p.int(5));
  assertEquals([...seen].sort(), [0, 1, 2, 3, 4]);
  assertEquals(p.permutation(9).sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("Prng.truncatedNormal stays within two standard deviations", () => {
  const p = new Prng(3);
  let sum = 0, sq = 0;
  for (let i = 0; i < 20000; i++) {
    const x = p.truncatedNormal();
    assert(x >= -2 && x <= 2);
    sum += x;
    sq += x * x;
  }
  const std = Math.sqrt(sq / 20000 - (sum / 20000) ** 2);
  assert(Math.abs(std - 0.8796) < 0.02, `std ${std}`); // std of N(0,1) cut at ±2
});
