/**
 * Parity of the optimisers with the PyTorch re-statement
 * (`tools/reference/`, golden `../model/testdata/optim.safetensors`, float64):
 * AdamATan2 as the adam_atan2 package's reference update, torch.optim.AdamW,
 * and sign-SGD on the puzzle-embedding rows a batch used (ids repeated, one
 * id's summed gradient exactly zero). Four steps with a changing rate, on
 * every CI backend. Tolerance: 1e-6 + 1e-5 * max|ref|.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { deviation, expectClose, golden, loadGolden } from "../model/parity_util.ts";
import { useBackend } from "../backend/mod.ts";
import { Adam, type OptimizerKind, signSgdRows } from "./optim.ts";

const TOL = { abs: 1e-6, rel: 1e-5 };
const file = loadGolden("optim.safetensors");
const hyper = JSON.parse(file.metadata.hyper!);
const g = (n: string) => golden(file, n);
const tensor = (n: string) => tf.tensor(g(n).data, g(n).shape);

for (const backend of ["wasm", "cpu"] as const) {
  for (const [kind, prefix] of [["adamAtan2", "adam_atan2"], ["adamw", "adamw"]] as const) {
    Deno.test(`${kind} matches the reference over ${hyper.steps} steps on ${backend}`, async () => {
      await useBackend(backend);
      const params = { a: tf.variable(tensor("p0.a")), b: tf.variable(tensor("p0.b")) };
      const opt = new Adam({
        kind: kind as OptimizerKind,
        beta1: hyper.beta1,
        beta2: hyper.beta2,
        weightDecay: hyper.weight_decay,
        eps: hyper.eps,
      });
      const lrs = g("lr").data;
      const parts: Record<string, ReturnType<typeof deviation>> = {};
      for (let t = 1; t <= hyper.steps; t++) {
        const grads = { a: tensor(`g${t}.a`), b: tensor(`g${t}.b`) };
        opt.apply(params, grads, lrs[t - 1]!);
        tf.dispose(Object.values(grads));
        for (const n of ["a", "b"] as const) {
          parts[`step ${t} ${n}`] = deviation(
            await params[n].data(),
            g(`${prefix}.${t}.${n}`).data,
          );
        }
      }
      expectClose(`${kind} updates (${hyper.steps} steps)`, backend, parts, TOL);
      opt.dispose();
      tf.dispose(Object.values(params));
      await useBackend("wasm");
    });
  }

  Deno.test(`sign-SGD on the used puzzle rows matches the reference on ${backend}`, async () => {
    await useBackend(backend);
    const table = tf.variable(tensor("sign.table"));
    const [rows, dim] = table.shape as [number, number];
    // The table's gradient: the local rows' gradients summed per id (what the embedding's backprop gives).
    const ids = g("sign.ids").data, local = g("sign.local_grad").data;
    const grad = new Float32Array(rows * dim), used = new Float32Array(rows);
    ids.forEach((id, i) => {
      used[id] = 1;
      for (let j = 0; j < dim; j++) grad[id * dim + j]! += local[i * dim + j]!;
    });
    const gt = tf.tensor2d(grad, [rows, dim]), ut = tf.tensor1d(used);
    signSgdRows(table, gt, ut, hyper.sign_lr, hyper.sign_weight_decay);
    expectClose("sign-SGD puzzle rows", backend, {
      table: deviation(await table.data(), g("sign.expected").data),
    }, TOL);
    tf.dispose([table, gt, ut]);
    await useBackend("wasm");
  });
}
