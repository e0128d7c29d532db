import * as tf from "@tensorflow/tfjs-core";
import { assert, assertEquals } from "../util/assert.ts";
import { loadTaskData } from "../data/datasets.ts";
import { encodePuzzles } from "../data/encoding.ts";
import { Sampler } from "../data/sampling.ts";
import { resolveConfig } from "../run/config.ts";
import { useBackend } from "../backend/mod.ts";
import { decodeSafetensors, encodeSafetensors } from "../util/safetensors.ts";
import { restoreTrainer, trainerToFile } from "./state.ts";
import { trainMetrics } from "./metrics.ts";
import { Trainer } from "./trainer.ts";

await useBackend("wasm");

const cfg = resolveConfig("smoke", {
  supervisionSteps: 2,
  haltExploration: 0,
  batchSize: 8,
  trainPuzzles: 40,
  testPuzzles: 16,
});
const data = await loadTaskData(cfg.data, cfg.run.seed);
const test = encodePuzzles(data.test);

/** N_sup = 4 without exploration, so halting depends on the head alone. */
const NSUP4 = { supervisionSteps: 4, haltExploration: 0, batchSize: 8, trainPuzzles: 40 };

function make(c = cfg) {
  return new Trainer(c, new Sampler(data.train, { augment: true, seed: c.run.seed }));
}

async function read(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

Deno.test("Trainer.trainStep() keeps rows until they halt, then refills them (continuous batching)", async () => {
  const tr = make();
  tr.trainStep().dispose();
  // q_halt starts at -5 and exploration is off, so with N_sup = 2 no row halts after step 1 ...
  assertEquals(await read(tr.carries[0]!.steps), new Array(8).fill(1));
  assertEquals(await read(tr.carries[0]!.halted), new Array(8).fill(0));
  const inputs1 = await read(tr.carries[0]!.inputs);
  tr.trainStep().dispose();
  // ... they keep their puzzle for step 2 and all halt at N_sup ...
  assertEquals(await read(tr.carries[0]!.inputs), inputs1);
  assertEquals(await read(tr.carries[0]!.steps), new Array(8).fill(2));
  assertEquals(await read(tr.carries[0]!.halted), new Array(8).fill(1));
  tr.trainStep().dispose();
  // ... and then restart on new puzzles.
  assertEquals(await read(tr.carries[0]!.steps), new Array(8).fill(1));
  assert((await read(tr.carries[0]!.inputs)).some((v, i) => v !== inputs1[i]));
  tr.dispose();
});

Deno.test("Trainer.trainStep() halts a row early once q_halt > 0, unless exploration holds it", async () => {
  const tr = make(resolveConfig("smoke", NSUP4));
  tr.weights["q_head.bias"]!.assign(tf.tensor1d([5, -5])); // the head now says "halt" everywhere
  tr.trainStep().dispose();
  assertEquals(await read(tr.carries[0]!.halted), new Array(8).fill(1));
  tr.dispose();
  const ex = make(
    resolveConfig("smoke", {
      supervisionSteps: 4,
      haltExploration: 1,
      batchSize: 8,
      trainPuzzles: 40,
    }),
  );
  ex.weights["q_head.bias"]!.assign(tf.tensor1d([5, -5]));
  ex.trainStep().dispose();
  // With exploration probability 1 every row must run at least 2 steps.
  assertEquals(await read(ex.carries[0]!.halted), new Array(8).fill(0));
  ex.dispose();
});

Deno.test("Trainer keeps the tensor count flat across steps", () => {
  const tr = make();
  tr.trainStep().dispose();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tr.trainStep().dispose();
  assertEquals(tf.memory().numTensors, before);
  tr.dispose();
});

Deno.test("Trainer: the smoke preset's loss goes down and the same seed gives the same metrics", async () => {
  const c = resolveConfig("smoke");
  const d = await loadTaskData(c.data, c.run.seed);
  const run = async () => {
    const tr = new Trainer(c, new Sampler(d.train, { augment: true, seed: 0 }));
    const losses: number[] = [];
    for (let i = 0; i < c.train.steps; i++) {
      const m = tr.trainStep();
      losses.push(trainMetrics(await m.data()).lmLoss);
      m.dispose();
    }
    tr.dispose();
    return losses;
  };
  const a = await run();
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert(
    mean(a.slice(-5)) < 0.85 * mean(a.slice(0, 5)),
    `loss ${mean(a.slice(0, 5))} -> ${mean(a.slice(-5))}`,
  );
  assertEquals(await run(), a);
});

Deno.test("trainerToFile()/restoreTrainer() round-trip: same evaluation, same next steps", async () => {
  const a = make();
  for (let i = 0; i < 3; i++) a.trainStep().dispose();
  const file = decodeSafetensors(encodeSafetensors(await trainerToFile(a)));
  const b = make();
  restoreTrainer(b, file, "test");
  assertEquals(await a.evaluate(test), await b.evaluate(test));
  const ma = a.trainStep(), mb = b.trainStep();
  assertEquals(await read(ma), await read(mb));
  assertEquals(await read(a.carries[0]!.y), await read(b.carries[0]!.y));
  tf.dispose([ma, mb]);
  a.dispose();
  b.dispose();
});

Deno.test("Trainer with accumulate = 2 matches one full batch when the two halves see the same rows", async () => {
  // Same puzzles, no augmentation or exploration: 2 micro-batches of 4 average to the gradient of the batch of 8.
  const base = {
    supervisionSteps: 2,
    haltExploration: 0,
    batchSize: 8,
    trainPuzzles: 40,
    augment: false,
    ema: false,
  };
  const one = make(resolveConfig("smoke", base));
  const two = make(resolveConfig("smoke", { ...base, accumulate: 2 }));
  assertEquals(two.carries.length, 0);
  one.trainStep().dispose();
  two.trainStep().dispose();
  assertEquals(two.carries.length, 2);
  const a = await read(one.weights.lm_head!), b = await read(two.weights.lm_head!);
  const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
  assert(diff < 1e-5, `weights differ by ${diff}`);
  one.dispose();
  two.dispose();
});

Deno.test("halting variants: bce halts on q_halt > 0, qAct on q_halt > q_continue, none only at N_sup", async () => {
  const halted = async (halting: string, bias: [number, number]) => {
    const tr = make(resolveConfig("smoke", { ...NSUP4, halting }));
    tr.weights["q_head.bias"]!.assign(tf.tensor1d(bias));
    const m = trainMetrics(await tr.trainStep().data());
    const h = await read(tr.carries[0]!.halted);
    tr.dispose();
    return {
      halted: h.every((v) => v === 1) ? "all" : h.every((v) => v === 0) ? "none" : "some",
      m,
    };
  };
  assertEquals((await halted("bce", [5, 6])).halted, "all");
  assertEquals((await halted("qAct", [5, 6])).halted, "none");
  assertEquals((await halted("qAct", [5, -5])).halted, "all");
  const none = await halted("none", [5, -5]);
  assertEquals(none.halted, "none");
  assertEquals(none.m.haltLoss, 0, "no halting loss");
});

Deno.test("halting qAct trains q_continue (extra forward pass); bce leaves it to weight decay", async () => {
  const after = async (halting: string) => {
    const c = resolveConfig("smoke", {
      supervisionSteps: 4,
      batchSize: 8,
      trainPuzzles: 40,
      halting,
    });
    const tr = make(c);
    for (let i = 0; i < 3; i++) tr.trainStep().dispose();
    const b = await read(tr.weights["q_head.bias"]!);
    const decayOnly = -5 *
      [1, 2, 3].reduce((p, s) => p * (1 - tr.learningRate(s) * c.train.weightDecay), 1);
    tr.dispose();
    return { b, decayOnly };
  };
  const bce = await after("bce");
  assert(Math.abs(bce.b[1]! - bce.decayOnly) < 1e-5, `bce: ${bce.b[1]} vs ${bce.decayOnly}`);
  const act = await after("qAct");
  assert(Math.abs(act.b[1]! - act.decayOnly) > 1e-4, `qAct moves q_continue: ${act.b[1]}`);
});
