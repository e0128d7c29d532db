/**
 * Assertions for tests, in one place. `@std/assert` lives on JSR, which the
 * build machines cannot reach, so this re-exports Node's `assert/strict`
 * under std's names; a user with JSR can point these at `@std/assert`.
 *
 * @module
 */
import nodeAssert from "node:assert/strict";

/** Asserts that a value is truthy. */
export function assert(cond: unknown, msg?: string): asserts cond {
  // `as string`: @types/node 26 (pulled in by resvg's types) has no overload taking undefined.
  nodeAssert.ok(cond, msg as string);
}

/** Deep, strict equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg as string);
}

/** Asserts that two numbers differ by at most `tol`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tol = 1e-6,
  msg?: string,
): void {
  nodeAssert.ok(
    Math.abs(actual - expected) <= tol,
    msg ?? `expected ${expected} ± ${tol}, got ${actual}`,
  );
}

function expectError(e: unknown, includes?: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (includes !== undefined && !err.message.includes(includes)) {
    throw new Error(`expected an error containing "${includes}", got "${err.message}"`);
  }
  return err;
}

/** Asserts that `fn` throws an Error whose message contains `includes`. */
export function assertThrows(fn: () => unknown, includes?: string): Error {
  try {
    fn();
  } catch (e) {
    return expectError(e, includes);
  }
  throw new Error("expected the function to throw");
}

/** Async version of {@link assertThrows}. */
export async function assertRejects(fn: () => Promise<unknown>, includes?: string): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return expectError(e, includes);
  }
  throw new Error("expected the promise to reject");
}
