import { assertEquals, assertThrows } from "@kit/util/assert.ts";
import { totalLength } from "@kit/model/mod.ts";
import {
  DEFAULT_SHAPES,
  gridShapes,
  parseShapes,
  shapeConfig,
  shapeLabel,
  STUDY_SHAPES,
} from "./shapes.ts";

Deno.test("parseShapes() reads mixer:hidden:batch lists and names a bad item", () => {
  assertEquals(parseShapes("mlp:128:32, attn:256:16"), [
    { mixer: "mlp", hidden: 128, batch: 32 },
    { mixer: "attention", hidden: 256, batch: 16 },
  ]);
  assertThrows(() => parseShapes("mlp:128"), '"mlp:128" is not [study:]mixer:hidden:batch');
  assertThrows(() => parseShapes("conv:128:4"), '"conv:128:4"');
  assertThrows(() => parseShapes("mlp:128:0"), '"mlp:128:0"');
  assertThrows(() => parseShapes("study:mlp:64"), '"study:mlp:64"');
  assertThrows(() => parseShapes(""), "no shape");
  assertEquals(gridShapes().length, 18);
});

Deno.test("parseShapes() reads the study and default groups and study: items", () => {
  assertEquals(parseShapes("study"), [...STUDY_SHAPES]);
  assertEquals(parseShapes("default"), [...DEFAULT_SHAPES]);
  assertEquals(parseShapes("study:attn:64:8,mlp:128:32"), [
    { mixer: "attention", hidden: 64, batch: 8, base: "study" },
    { mixer: "mlp", hidden: 128, batch: 32 },
  ]);
  assertEquals(shapeLabel(STUDY_SHAPES[0]!), "study mlp 64 b64");
  assertEquals(shapeLabel(DEFAULT_SHAPES[0]!), "mlp 128 b32");
  // The studies' shapes are benched by default.
  for (const s of STUDY_SHAPES) assertEquals(DEFAULT_SHAPES.includes(s), true);
});

Deno.test("shapeConfig() runs anchor shapes at the anchor's step and study shapes at the scarce regime's", () => {
  const a = shapeConfig({ mixer: "mlp", hidden: 128, batch: 32 });
  assertEquals(
    [a.model.seqLen, a.model.puzzlePrefix, a.model.latentSteps, a.model.recursions, a.model.layers],
    [81, 0, 6, 3, 2],
  );
  assertEquals([a.train.optimizer, a.train.loss, a.train.ema], ["adamw", "softmax", false]);
  const [mlp, att] = STUDY_SHAPES.map((s) => shapeConfig(s));
  const m = mlp!.model;
  assertEquals([m.hiddenSize, mlp!.train.batchSize, m.mixer], [64, 64, "mlp"]);
  assertEquals([m.seqLen, totalLength(m), m.latentSteps, m.recursions], [36, 40, 4, 2]);
  assertEquals([m.supervisionSteps, m.heads, mlp!.data.size], [8, 4, 6]);
  assertEquals([mlp!.train.optimizer, mlp!.train.ema], ["adamw", false]);
  assertEquals([att!.model.mixer, att!.model.posEncoding], ["attention", "rope"]);
  // Command-line overrides apply; the shape's own fields win.
  const o = shapeConfig(STUDY_SHAPES[0]!, { latentSteps: "2", hiddenSize: "32" });
  assertEquals([o.model.latentSteps, o.model.hiddenSize], [2, 64]);
});
