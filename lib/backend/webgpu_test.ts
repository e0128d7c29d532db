import * as tf from "@tensorflow/tfjs-core";
import { Sampler } from "../data/sampling.ts";
import { generateSudokuSet } from "../data/sudoku_generate.ts";
import { resolveConfig } from "../run/config.ts";
import { assert } from "../util/assert.ts";
import { Prng } from "../util/prng.ts";
import { supervisionLoss } from "../train/loss.ts";
import { Trainer } from "../train/trainer.ts";
import { useBackend, webgpuAdapter } from "./backend.ts";

// Without an adapter (CI, no drivers) the test is skipped, and says why.
const adapter = await webgpuAdapter();
if (!adapter) {
  console.log(
    "webgpu_test: skipped, no WebGPU adapter (apt-get install -y mesa-vulkan-drivers gives a software one)",
  );
}

/** Loss and gradients of one supervision step, then the metrics of a full trainStep, on `backend`. */
async function stepOn(backend: "wasm" | "webgpu", mixer: "mlp" | "attention") {
  await useBackend(backend);
  const cfg = resolveConfig("smoke", {
    batchSize: 3,
    mixer,
    posEncoding: mixer === "mlp" ? "none" : "rope",
    ema: true,
  });
  const puzzles = generateSudokuSet(6, { size: 4, blanks: 6, prng: new Prng(0) });
  const tr = new Trainer(cfg, new Sampler(puzzles, { augment: false, seed: 0 }));
  const batch = new Sampler(puzzles, { augment: false, seed: 1 }).next(3);
  const s = cfg.model.seqLen;
  const rows = {
    inputs: tf.tensor2d(batch.inputs, [3, s], "int32"),
    labels: tf.tensor2d(batch.labels, [3, s], "int32"),
    puzzleIds: tf.zeros([3], "int32") as tf.Tensor1D,
    steps: tf.zeros([3], "int32") as tf.Tensor1D,
  };
  const start = tr.model.initialState(tr.weights, 3);
  const dense = tr.dense.map((n) => tr.weights[n]!);
  // The trainer's own loss of a supervision step from y_init, z_init, and its gradients.
  const { value: loss, grads } = tf.variableGrads(() => {
    const out = tr.model.supervisionStep(tr.weights, rows, start);
    return supervisionLoss(tr.model, tr.weights, out, rows, {
      loss: cfg.train.loss,
      halting: cfg.model.halting,
      haltLossWeight: cfg.train.haltLossWeight,
    }).loss;
  }, dense);
  const out = {
    loss: (await loss.data())[0]!,
    grads: await Promise.all(dense.map(async (v) => Array.from(await grads[v.name]!.data()))),
    metrics: [] as number[],
    weights: [] as number[][],
  };
  tf.dispose([loss, ...Object.values(grads), ...Object.values(rows), start.y, start.z]);
  const m = tr.trainStep();
  out.metrics = Array.from(await m.data());
  m.dispose();
  out.weights = await Promise.all(
    Object.values(tr.evalWeights()).map(async (w) => Array.from(await w.data())),
  );
  tr.dispose();
  return out;
}

const relErr = (x: number[], y: number[]) =>
  Math.max(0, ...x.map((v, i) => Math.abs(v - y[i]!))) / Math.max(1e-6, ...y.map(Math.abs));

for (const mixer of ["mlp", "attention"] as const) {
  Deno.test({
    name: `webgpu and wasm agree on a training step's loss, gradients and update (${mixer})`,
    ignore: !adapter,
    async fn() {
      const gpu = await stepOn("webgpu", mixer);
      const cpu = await stepOn("wasm", mixer);
      assert(
        Math.abs(gpu.loss - cpu.loss) < 1e-4 * Math.abs(cpu.loss),
        `${gpu.loss} vs ${cpu.loss}`,
      );
      assert(gpu.grads.length === cpu.grads.length && gpu.grads.length > 0);
      gpu.grads.forEach((g, i) => {
        assert(relErr(g, cpu.grads[i]!) < 1e-3, `gradient ${i}: ${relErr(g, cpu.grads[i]!)}`);
      });
      assert(relErr(gpu.metrics, cpu.metrics) < 1e-4, `${gpu.metrics} vs ${cpu.metrics}`);
      // Adam's first step is about lr·sign(g): a gradient element near zero whose sign
      // differs between the backends moves its weight by up to 2·lr the other way, so
      // the weights agree to 2·lr, and almost all of them to float rounding.
      const lr = resolveConfig("smoke").train.lr;
      let off = 0, total = 0;
      gpu.weights.forEach((w, i) => {
        w.forEach((v, j) => {
          const d = Math.abs(v - cpu.weights[i]![j]!);
          assert(d <= 2.01 * lr, `weight ${i}[${j}] differs by ${d} > 2·lr`);
          off += d > 1e-6 ? 1 : 0;
          total += 1;
        });
      });
      assert(off / total < 0.01, `${off} of ${total} weights differ by more than 1e-6`);
    },
  });
}
