import { assertEquals } from "../util/assert.ts";
import { PAPER_BASELINE, PAPER_TABLE1 } from "./paper.ts";

Deno.test("the paper's baseline, read from the kit's defaults, is the TRM its tables compare with", () => {
  assertEquals({ ...PAPER_BASELINE }, {
    arch: "trm",
    layers: 2,
    latentSteps: 6,
    recursions: 3,
    mixer: "mlp",
    halting: "bce",
    gradient: "lastRecursion",
    latentMode: "pair",
    networks: "shared",
    ema: true,
  });
  // Its row: T(n+1)·layers = 3·7·2 = 42, as printed.
  assertEquals(PAPER_TABLE1.find((r) => Object.keys(r.changes).length === 0)?.depth, 42);
});
