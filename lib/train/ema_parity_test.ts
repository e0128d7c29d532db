/**
 * Parity of the EMA with the official `models/ema.py` (EMAHelper), re-stated
 * in PyTorch (`tools/reference/`, golden `../model/testdata/optim.safetensors`):
 * the shadow weights after each of four AdamATan2 steps, at rates 0.999 (the
 * paper's) and 0.9, on every CI backend. Tolerance: 1e-6 + 1e-5 * max|ref|.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { deviation, expectClose, golden, loadGolden } from "../model/parity_util.ts";
import { useBackend } from "../backend/mod.ts";
import { Ema } from "./ema.ts";

const TOL = { abs: 1e-6, rel: 1e-5 };
const file = loadGolden("optim.safetensors");
const steps = JSON.parse(file.metadata.hyper!).steps as number;
const tensor = (n: string) => tf.tensor(golden(file, n).data, golden(file, n).shape);

for (const backend of ["wasm", "cpu"] as const) {
  for (const rate of [0.999, 0.9]) {
    Deno.test(`EMA at rate ${rate} matches the reference on ${backend}`, async () => {
      await useBackend(backend);
      const p0 = { a: tensor("p0.a"), b: tensor("p0.b") };
      const ema = new Ema(p0, rate);
      const parts: Record<string, ReturnType<typeof deviation>> = {};
      for (let t = 1; t <= steps; t++) {
        // The parameters after optimiser step t (the AdamATan2 trajectory of the golden).
        const params = { a: tensor(`adam_atan2.${t}.a`), b: tensor(`adam_atan2.${t}.b`) };
        ema.update(params);
        tf.dispose(Object.values(params));
        for (const n of ["a", "b"] as const) {
          parts[`step ${t} ${n}`] = deviation(
            await ema.shadow[n]!.data(),
            golden(file, `ema${rate}.${t}.${n}`).data,
          );
        }
      }
      expectClose(`EMA shadow, rate ${rate} (${steps} steps)`, backend, parts, TOL);
      ema.dispose();
      tf.dispose(Object.values(p0));
      await useBackend("wasm");
    });
  }
}
