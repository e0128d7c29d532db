/**
 * The training sampler: serves examples in epochs, in an order fixed by its
 * seed, each under a fresh augmentation when asked; its state goes into
 * checkpoints so a resumed run draws the same examples.
 *
 * @module
 */
import { Prng } from "../util/prng.ts";
import { type ArcGroup, drawArcPuzzle } from "./arc_dataset.ts";
import { concatEncoded, type Encoded, encodePuzzles } from "./encoding.ts";
import { augmentPuzzle, type GridPuzzle, type TaskPuzzle } from "./puzzles.ts";

/** Where a sampler is, for checkpoints. */
export interface SamplerState {
  epoch: number;
  position: number;
  augment: number[];
}

/**
 * Serves training examples in epochs: each epoch visits every puzzle once in
 * an order fixed by (seed, epoch), each time under a fresh augmentation. An
 * ARC group gives all the pairs of one random version; as in the reference,
 * pairs that do not fit in the batch are dropped.
 */
export class Sampler {
  readonly puzzles: readonly TaskPuzzle[];
  readonly augment: boolean;
  readonly seed: number;
  #epoch = 0;
  #position = 0;
  #order: number[];
  #prng: Prng;

  constructor(puzzles: readonly TaskPuzzle[], opts: { augment: boolean; seed: number }) {
    this.puzzles = puzzles;
    this.augment = opts.augment;
    this.seed = opts.seed;
    this.#prng = new Prng(opts.seed * 31 + 17);
    this.#order = this.#orderOf(0);
  }

  #orderOf(epoch: number): number[] {
    return new Prng(this.seed * 1_000_003 + epoch).permutation(this.puzzles.length);
  }

  #nextPuzzle(): TaskPuzzle {
    if (this.#position >= this.#order.length) {
      this.#epoch += 1;
      this.#position = 0;
      this.#order = this.#orderOf(this.#epoch);
    }
    return this.puzzles[this.#order[this.#position++]!]!;
  }

  /** The next `count` examples. */
  next(count: number): Encoded {
    const first = this.puzzles[0];
    if (first?.kind === "arc") {
      return this.#nextArc(count, first.canvas ** 2);
    }
    const chosen: GridPuzzle[] = [];
    while (chosen.length < count) {
      const p = this.#nextPuzzle() as GridPuzzle;
      if (!this.augment) chosen.push(p);
      else chosen.push(augmentPuzzle(p, this.#prng));
    }
    return encodePuzzles(chosen);
  }

  #nextArc(count: number, seqLen: number): Encoded {
    const inputs: Int32Array[] = [], labels: Int32Array[] = [], ids: number[] = [];
    while (inputs.length < count) {
      const ex = drawArcPuzzle(this.#nextPuzzle() as ArcGroup, this.#prng);
      // The pairs come in random order, so the first ones are a random subset.
      const take = Math.min(ex.inputs.length, count - inputs.length);
      inputs.push(...ex.inputs.slice(0, take));
      labels.push(...ex.labels.slice(0, take));
      ids.push(...ex.puzzleIds.slice(0, take));
    }
    return { ...concatEncoded(inputs, labels, seqLen), puzzleIds: Int32Array.from(ids) };
  }

  /** Completed epochs plus the fraction of the current one. */
  get epochs(): number {
    return this.#epoch + this.#position / Math.max(1, this.#order.length);
  }

  getState(): SamplerState {
    return { epoch: this.#epoch, position: this.#position, augment: this.#prng.getState() };
  }

  setState(s: SamplerState): void {
    this.#epoch = s.epoch;
    this.#position = s.position;
    this.#order = this.#orderOf(s.epoch);
    this.#prng.setState(s.augment);
  }
}
