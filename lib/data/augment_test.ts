import { assert, assertEquals } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import {
  augmentGrid,
  dihedral,
  DIHEDRAL_INVERSE,
  type DihedralId,
  type Grid,
  gridFromRows,
  gridKey,
  gridToRows,
  invertColourMap,
  invertGridAugmentation,
  randomAugmentation,
  randomColourMap,
  recolour,
} from "./augment.ts";

const G = gridFromRows([[1, 2, 3], [4, 5, 6]]);

Deno.test("dihedral() matches numpy's rot90, fliplr, flipud, transpose and anti-diagonal", () => {
  const expected: number[][][] = [
    [[1, 2, 3], [4, 5, 6]],
    [[3, 6], [2, 5], [1, 4]], // np.rot90(k=1)
    [[6, 5, 4], [3, 2, 1]],
    [[4, 1], [5, 2], [6, 3]],
    [[3, 2, 1], [6, 5, 4]],
    [[4, 5, 6], [1, 2, 3]],
    [[1, 4], [2, 5], [3, 6]],
    [[6, 3], [5, 2], [4, 1]], // np.fliplr(np.rot90(k=1))
  ];
  for (let id = 0; id < 8; id++) {
    assertEquals(gridToRows(dihedral(G, id as DihedralId)), expected[id]);
  }
});

Deno.test("DIHEDRAL_INVERSE undoes each transform, and the 8 transforms are distinct", () => {
  const g = gridFromRows([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 2]]);
  const keys = new Set<string>();
  for (let id = 0; id < 8; id++) {
    const t = dihedral(g, id as DihedralId);
    keys.add(gridKey(t));
    assertEquals(dihedral(t, DIHEDRAL_INVERSE[id]!), g);
  }
  assertEquals(keys.size, 8);
});

Deno.test("randomColourMap() keeps black and permutes 1-9; invertColourMap() undoes it", () => {
  const prng = new Prng(0);
  for (let k = 0; k < 20; k++) {
    const m = randomColourMap(prng);
    assertEquals(m[0], 0);
    assertEquals([...m].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const inv = invertColourMap(m);
    for (let c = 0; c < 10; c++) assertEquals(inv[m[c]!], c);
  }
  assertEquals(gridToRows(recolour(G, [0, 9, 8, 7, 6, 5, 4, 3, 2, 1])), [[9, 8, 7], [6, 5, 4]]);
});

Deno.test("invertGridAugmentation() undoes augmentGrid() for random grids and augmentations", () => {
  const prng = new Prng(1);
  for (let k = 0; k < 200; k++) {
    const rows = 1 + prng.int(6), cols = 1 + prng.int(6);
    const g: Grid = {
      rows,
      cols,
      cells: Uint8Array.from({ length: rows * cols }, () => prng.int(10)),
    };
    const a = randomAugmentation(prng);
    const t = augmentGrid(g, a);
    assertEquals(invertGridAugmentation(t, a), g);
    // Black stays where it was, up to the transform.
    assertEquals(t.cells.filter((v) => v === 0).length, g.cells.filter((v) => v === 0).length);
  }
  assert(gridKey(G).startsWith("2x3:"));
});
