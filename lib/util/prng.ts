/**
 * A small seedable pseudo-random number generator (sfc32) whose state can be
 * saved and restored, so data order, initialisation and exploration are fixed
 * by one seed and survive a checkpoint. `Math.random` is never used in lib/.
 *
 * @module
 */

/** Seedable generator with a serialisable state of four 32-bit words. */
export class Prng {
  #s: Uint32Array;

  /** Creates a generator from an integer seed (any number; hashed with splitmix32). */
  constructor(seed: number) {
    this.#s = new Uint32Array(4);
    let x = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    for (let i = 0; i < 4; i++) {
      // splitmix32: spreads a small seed over the whole state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    const s = this.#s;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Normal draw truncated to [-2, 2] (rejection), as JAX's truncated normal. */
  truncatedNormal(): number {
    for (;;) {
      const x = this.normal();
      if (x >= -2 && x <= 2) return x;
    }
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** The state, as four integers, for checkpoints. */
  getState(): number[] {
    return Array.from(this.#s);
  }

  /** Restores a state saved with {@link Prng.getState}. */
  setState(state: readonly number[]): void {
    if (state.length !== 4) throw new Error("Prng state must have 4 words");
    for (let i = 0; i < 4; i++) this.#s[i] = state[i]! >>> 0;
  }
}
