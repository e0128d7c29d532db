/** Maze fixtures shared by the maze tests: a small maze with two routes, and its answer. */

/** Rows of "# SGo" characters to tokens. */
export function maze(rows: string[]): Uint8Array {
  // Square mazes: the three rows given, then two rows of wall.
  return Uint8Array.from([...rows, "#####", "#####"].join(""), (ch) => "# SGo".indexOf(ch) + 1);
}

// Two routes from S to G: 4 moves along the top, 8 around the bottom.
export const Q = maze([
  "S   G",
  " ### ",
  "     ",
]);
export const A = maze([
  "SoooG",
  " ### ",
  "     ",
]);
