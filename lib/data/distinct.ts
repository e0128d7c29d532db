/**
 * Distinct sets of generated puzzles, shared by the Sudoku and maze
 * generators: test sets are kept apart from training sets by key.
 *
 * @module
 */

/**
 * `count` items from `make` with distinct `key`s, none of them in `exclude`.
 * A small space (4x4 grids, tiny mazes) can run out of new items: after
 * 1000 + 10·count repeats it throws, naming how many it found, rather than
 * loop forever.
 */
export function distinctSet<T>(
  count: number,
  make: () => T,
  key: (item: T) => string,
  opts: {
    exclude?: Set<string>;
    onProgress?: (done: number, total: number) => void;
    /** What the items are, for the error ("puzzles", "mazes"). */
    noun?: string;
  } = {},
): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  const maxRepeats = 1000 + 10 * count;
  let repeats = 0;
  while (out.length < count) {
    const item = make();
    const k = key(item);
    if (seen.has(k) || opts.exclude?.has(k)) {
      if (++repeats > maxRepeats) {
        throw new Error(
          `Only ${out.length} distinct ${opts.noun ?? "items"} found after ${repeats} repeats ` +
            `(asked for ${count})`,
        );
      }
      continue;
    }
    seen.add(k);
    out.push(item);
    opts.onProgress?.(out.length, count);
  }
  return out;
}
