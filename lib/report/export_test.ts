import { assert, assertEquals } from "../util/assert.ts";
import { boardSvg, sudokuBoard } from "./board.ts";
import { bundleOf, VEGALITE_MIME } from "./display.ts";
import { countFigures, type Notebook, notebookName, shareableNotebook, svgImg } from "./export.ts";

const decoder = new TextDecoder();

/** The SVG inside an `<img>` the export wrote. */
function svgOf(img: string): string {
  const b64 = img.match(/src="data:image\/svg\+xml;base64,([^"]+)"/)![1]!;
  return decoder.decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

Deno.test("svgImg() carries the SVG byte for byte (UTF-8 too) and escapes the alt text", () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>n·T — ≥</text></svg>';
  const img = svgImg(svg, 'a "quoted" <title> & more');
  assertEquals(svgOf(img), svg);
  assert(img.includes('alt="a &quot;quoted&quot; &lt;title> &amp; more"'));
});

Deno.test("shareableNotebook() turns SVG outputs into <img> HTML on a copy, and keeps the rest", async () => {
  const board = await bundleOf(boardSvg(sudokuBoard(new Uint8Array(16))));
  const stream = { output_type: "stream", name: "stdout", text: ["hi\n"] };
  const table = { output_type: "display_data", data: { "text/html": "<table></table>" } };
  const figure = {
    output_type: "execute_result",
    data: {
      [VEGALITE_MIME]: { mark: "line" },
      "image/svg+xml": ["<svg>", "</svg>"],
      "text/plain": "A title",
    },
  };
  const nb: Notebook = {
    cells: [
      { cell_type: "markdown", source: "# x" },
      { cell_type: "code", outputs: [stream, { output_type: "display_data", data: board }] },
      { cell_type: "code", outputs: [figure, table] },
    ],
  };
  const before = JSON.stringify(nb);
  const copy = shareableNotebook(nb);
  assertEquals(JSON.stringify(nb), before, "the notebook itself is unchanged");
  assertEquals(countFigures(nb), 2);
  assertEquals(countFigures(copy), 2);
  const [, boardOut] = copy.cells[1]!.outputs!;
  assertEquals(Object.keys(boardOut!.data!).sort(), ["text/html", "text/plain"]);
  assertEquals(svgOf(boardOut!.data!["text/html"] as string), board["image/svg+xml"]);
  const [fig, tab] = copy.cells[2]!.outputs!;
  assertEquals(Object.keys(fig!.data!).sort(), ["text/html", "text/plain", VEGALITE_MIME].sort());
  assertEquals(svgOf(fig!.data!["text/html"] as string), "<svg></svg>");
  assert((fig!.data!["text/html"] as string).includes('alt="A title"'));
  assertEquals(tab, table);
  assertEquals(copy.cells[1]!.outputs![0], stream);
});

Deno.test("notebookName() is the file name without folder and extension", () => {
  assertEquals(notebookName("notebooks/00_recursion_explained.ipynb"), "00_recursion_explained");
  assertEquals(notebookName("x.ipynb"), "x");
});
