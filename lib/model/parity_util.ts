/**
 * Helpers of the parity tests: loading the golden files written by the
 * PyTorch re-statement (`tools/reference/make_golden.py`) and measuring how
 * far the kit's numbers are from them.
 *
 * Errors are reported as the largest absolute difference and, relative to
 * the tensor's scale, that difference divided by max|expected| (an
 * element-wise relative error means nothing where the expected value is ~0).
 *
 * @module
 */
import { decodeSafetensors, type StoredTensor, type TensorFile } from "../util/safetensors.ts";
import { assert } from "../util/assert.ts";

/** Loads `lib/model/testdata/<name>`. */
export function loadGolden(name: string): TensorFile {
  const url = new URL(`./testdata/${name}`, import.meta.url);
  return decodeSafetensors(Deno.readFileSync(url), url.pathname);
}

/** A golden tensor, or a clear error naming the file and tensor. */
export function golden(file: TensorFile, name: string): StoredTensor {
  const t = file.tensors[name];
  if (!t) throw new Error(`golden file (${file.metadata.case}) has no tensor "${name}"`);
  return t;
}

/** Largest absolute error and the scale it is judged against. */
export interface Deviation {
  maxAbs: number;
  /** maxAbs / max|expected| (maxAbs itself when expected is all zero). */
  rel: number;
  /** max|expected|. */
  scale: number;
}

/** How far `actual` is from `expected` (same length). */
export function deviation(actual: ArrayLike<number>, expected: ArrayLike<number>): Deviation {
  assert(
    actual.length === expected.length,
    `length ${actual.length}, expected ${expected.length}`,
  );
  let maxAbs = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return { maxAbs, rel: scale > 0 ? maxAbs / scale : maxAbs, scale };
}

/** The tolerance of a check: |a - e| <= abs + rel * max|e| everywhere. */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** Worst deviation over several tensors of one component. */
export function worst(ds: Deviation[]): Deviation {
  return {
    maxAbs: Math.max(0, ...ds.map((d) => d.maxAbs)),
    rel: Math.max(0, ...ds.map((d) => d.rel)),
    scale: Math.max(0, ...ds.map((d) => d.scale)),
  };
}

/**
 * Checks one component against its tolerance and prints it as a row of the
 * parity table (`| component | backend | max abs | max rel |`); the rows are
 * gathered from the test output into the README.
 */
export function expectClose(
  component: string,
  backend: string,
  parts: Record<string, Deviation>,
  tol: Tolerance,
): void {
  const all = worst(Object.values(parts));
  console.log(
    `| ${component} | ${backend} | ${all.maxAbs.toExponential(1)} | ${all.rel.toExponential(1)} |`,
  );
  const bad = Object.entries(parts).filter(([, d]) => !(d.maxAbs <= tol.abs + tol.rel * d.scale));
  assert(
    bad.length === 0,
    `${component} on ${backend} is off the reference (tolerance abs ${tol.abs} + rel ${tol.rel}):\n  ${
      bad.map(([n, d]) => `${n}: max abs ${d.maxAbs}, rel ${d.rel}`).join("\n  ")
    }`,
  );
}
