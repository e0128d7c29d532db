/**
 * Grid augmentations shared by the grid tasks (paper §5.3-5.4; reference
 * `dataset/common.py`, `build_arc_dataset.py`): the 8 dihedral transforms,
 * colour permutations with black fixed, and their exact inverses.
 *
 * Dihedral ids follow the reference: 0 identity, 1 rot90 (counter-clockwise,
 * as `np.rot90`), 2 rot180, 3 rot270, 4 flip left-right, 5 flip up-down,
 * 6 transpose, 7 anti-diagonal reflection (`fliplr(rot90)`).
 *
 * @module
 */
import type { Prng } from "../util/prng.ts";

/** A rectangular grid of small integers, row-major. */
export interface Grid {
  rows: number;
  cols: number;
  cells: Uint8Array;
}

/** A dihedral transform id, 0..7. */
export type DihedralId = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The transform that undoes each id (the reference's `DIHEDRAL_INVERSE`). */
export const DIHEDRAL_INVERSE: readonly DihedralId[] = [0, 3, 2, 1, 4, 5, 6, 7];

/** Builds a grid from rows of numbers (ARC JSON); the caller has checked the shape. */
export function gridFromRows(rows: readonly (readonly number[])[]): Grid {
  const r = rows.length, c = rows[0]?.length ?? 0;
  const cells = new Uint8Array(r * c);
  rows.forEach((row, i) => cells.set(row, i * c));
  return { rows: r, cols: c, cells };
}

/** The grid as rows of numbers (ARC JSON). */
export function gridToRows(g: Grid): number[][] {
  return Array.from(
    { length: g.rows },
    (_, i) => Array.from(g.cells.subarray(i * g.cols, (i + 1) * g.cols)),
  );
}

/** True when two grids have the same shape and cells. */
export function gridsEqual(a: Grid, b: Grid): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  for (let i = 0; i < a.cells.length; i++) if (a.cells[i] !== b.cells[i]) return false;
  return true;
}

/** A string key of a grid (shape and cells), for hashing and voting. */
export function gridKey(g: Grid): string {
  return `${g.rows}x${g.cols}:${String.fromCharCode(...Array.from(g.cells, (v) => 48 + v))}`;
}

/**
 * Applies dihedral transform `id`. Output cell (i, j) reads input cell
 * (si, sj); rotations and transposes swap the shape.
 */
export function dihedral(g: Grid, id: DihedralId): Grid {
  const { rows: h, cols: w, cells } = g;
  const swap = id === 1 || id === 3 || id === 6 || id === 7;
  const rows = swap ? w : h, cols = swap ? h : w;
  const out = new Uint8Array(cells.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let si: number, sj: number;
      switch (id) {
        case 0:
          [si, sj] = [i, j];
          break;
        case 1:
          [si, sj] = [j, w - 1 - i];
          break; // np.rot90(k=1)
        case 2:
          [si, sj] = [h - 1 - i, w - 1 - j];
          break;
        case 3:
          [si, sj] = [h - 1 - j, i];
          break;
        case 4:
          [si, sj] = [i, w - 1 - j];
          break;
        case 5:
          [si, sj] = [h - 1 - i, j];
          break;
        case 6:
          [si, sj] = [j, i];
          break;
        case 7:
          [si, sj] = [h - 1 - j, w - 1 - i];
          break; // fliplr(rot90)
      }
      out[i * cols + j] = cells[si * w + sj]!;
    }
  }
  return { rows, cols, cells: out };
}

/** Recolours every cell through `map` (colour c becomes map[c]). */
export function recolour(g: Grid, map: ArrayLike<number>): Grid {
  return { rows: g.rows, cols: g.cols, cells: Uint8Array.from(g.cells, (v) => map[v]!) };
}

/** The inverse of a colour permutation. */
export function invertColourMap(map: ArrayLike<number>): number[] {
  const inv = new Array<number>(map.length).fill(0);
  for (let c = 0; c < map.length; c++) inv[map[c]!] = c;
  return inv;
}

/** A random permutation of colours 1..9 with 0 (black) fixed, as the reference. */
export function randomColourMap(prng: Prng): number[] {
  return [0, ...prng.permutation(9).map((c) => c + 1)];
}

/** One augmentation of a grid task: a dihedral transform, then a colour permutation. */
export interface GridAugmentation {
  dihedral: DihedralId;
  /** colours[c] is the new colour of colour c (length 10, colours[0] = 0). */
  colours: readonly number[];
}

/** The identity augmentation. */
export const IDENTITY_AUGMENTATION: GridAugmentation = {
  dihedral: 0,
  colours: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
};

/** A random augmentation: one of the 8 transforms (identity included) and a colour permutation. */
export function randomAugmentation(prng: Prng): GridAugmentation {
  return { dihedral: prng.int(8) as DihedralId, colours: randomColourMap(prng) };
}

/** Applies an augmentation: dihedral transform, then recolouring (the reference's order). */
export function augmentGrid(g: Grid, a: GridAugmentation): Grid {
  return recolour(dihedral(g, a.dihedral), a.colours);
}

/** Undoes {@link augmentGrid} exactly: inverse colours, then the inverse transform. */
export function invertGridAugmentation(g: Grid, a: GridAugmentation): Grid {
  return dihedral(recolour(g, invertColourMap(a.colours)), DIHEDRAL_INVERSE[a.dihedral]!);
}

/** A name for an augmentation, as the reference's `t<id>|||<colour map>` suffix. */
export function augmentationName(a: GridAugmentation): string {
  return `t${a.dihedral}_${a.colours.join("")}`;
}
