/**
 * Parity of the losses with the official `models/losses.py`, re-stated in
 * PyTorch (`tools/reference/`, golden `testdata/losses.safetensors`, float64):
 * log-stablemax, the per-row stablemax and softmax cross-entropy with ignored
 * labels and their gradients, BCE-with-logits (the halting loss) and its
 * gradient, on every CI backend. Tolerance: 1e-6 + 1e-5 * max|ref|.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs"; // registers the gradients (see layers.ts)
import { useBackend } from "../backend/mod.ts";
import type { StoredTensor } from "../util/safetensors.ts";
import { answerLoss, bceWithLogits, logStablemax, type LossKind } from "./losses.ts";
import { deviation, expectClose, golden, loadGolden } from "./parity_util.ts";

const TOL = { abs: 1e-6, rel: 1e-5 };
const file = loadGolden("losses.safetensors");
const g = (n: string) => golden(file, n);
const toTensor = (s: StoredTensor) =>
  tf.tensor(s.data, s.shape, s.dtype === "I32" ? "int32" : "float32");

for (const backend of ["wasm", "cpu"] as const) {
  Deno.test(`stablemax/softmax CE and the halting BCE match the reference on ${backend}`, async () => {
    await useBackend(backend);
    const logits = toTensor(g("logits")) as tf.Tensor3D;
    const labels = toTensor(g("labels")) as tf.Tensor2D;
    const logp = logStablemax(logits);
    expectClose("log-stablemax", backend, {
      log_stablemax: deviation(await logp.data(), g("log_stablemax").data),
    }, TOL);
    for (const kind of ["stablemax", "softmax"] as LossKind[]) {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
        tf.sum(answerLoss(x as tf.Tensor3D, labels, kind)) as tf.Scalar
      )([logits]);
      const rows = answerLoss(logits, labels, kind);
      expectClose(`${kind} CE per row (ignored labels) and its gradient`, backend, {
        rows: deviation(await rows.data(), g(`row_loss.${kind}`).data),
        grad: deviation(await grads[0]!.data(), g(`grad.${kind}`).data),
      }, TOL);
      tf.dispose([value, rows, ...grads]);
    }
    const q = toTensor(g("q_logits")), t = toTensor(g("q_targets"));
    const bce = tf.valueAndGrad((x: tf.Tensor) => tf.sum(bceWithLogits(x, t)) as tf.Scalar)(q);
    const each = bceWithLogits(q, t);
    expectClose("halting BCE with logits and its gradient", backend, {
      bce: deviation(await each.data(), g("bce").data),
      grad: deviation(await bce.grad.data(), g("bce.grad").data),
    }, TOL);
    tf.dispose([logits, labels, logp, q, t, bce.value, bce.grad, each]);
    await useBackend("wasm");
  });
}
