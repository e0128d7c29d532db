/**
 * Parity of the kit's TRM with the PyTorch re-statement of the official code
 * (`tools/reference/`, goldens in `testdata/trm_*.safetensors`; HRM too): the official
 * weights are loaded through the converter, then two supervision steps must
 * match the reference's logits, halting logits, new (y, z), losses and the
 * gradient of the loss for every parameter, on every CI backend.
 *
 * Multi-scale z (`latentMode: "multiScale"`) is held to the official
 * `trm_hier6.py` at n=6: its latents z_L1..z_L6 are the kit's z [B, L, 6·D],
 * side by side.
 *
 * The reference ran in float64; the kit runs in float32, so the tolerance is
 * an fp32 one: |kit - ref| <= 1e-5 + 1e-4 * max|ref| for outputs and states,
 * 1e-5 + 2e-4 * max|ref| for gradients (they go through 2-3x more fp32
 * operations, all of them reductions).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "../backend/mod.ts";
import { defaultTrainConfig } from "../train/config.ts";
import { assertEquals } from "../util/assert.ts";
import type { StoredTensor } from "../util/safetensors.ts";
import { OFFICIAL_PREFIX, officialSlot, officialToKit, transpose2d } from "./convert.ts";
import { modelConfigFromOfficial } from "./convert_arch.ts";
import { namesIn } from "./init.ts";
import { answerLoss, bceWithLogits, rowCorrectness } from "./losses.ts";
import { noGrad } from "./nograd.ts";
import { type Deviation, deviation, expectClose, golden, loadGolden } from "./parity_util.ts";
import { createModel } from "./create.ts";

const OUTPUTS = { abs: 1e-5, rel: 1e-4 };
const GRADS = { abs: 1e-5, rel: 2e-4 };
const CASES = ["mlp", "att_rope", "att_noprefix", "hrm", "hier6"] as const;
/** wasm with its own (XNNPACK) products and with OpenBLAS's (lib/backend/blas.ts), and cpu. */
const BACKENDS = [
  { label: "wasm", backend: "wasm", blas: "off" },
  { label: "wasm + OpenBLAS", backend: "wasm", blas: "on" },
  { label: "cpu", backend: "cpu", blas: "off" },
] as const;
type Variant = typeof BACKENDS[number];
const LABELS: Record<typeof CASES[number], string> = {
  mlp: "TRM-MLP (sequence mixer)",
  att_rope: "TRM-Att, RoPE, T=3",
  att_noprefix: "TRM-Att, no positions, no prefix",
  hrm: "HRM (RoPE, Q-learning ACT)",
  hier6: "Multi-scale z (trm_hier6, n=6, MLP)",
};

const toTensor = (s: StoredTensor) =>
  tf.tensor(s.data, s.shape, s.dtype === "I32" ? "int32" : "float32");

/** Tensors of equal shape [..., D] side by side along the last axis: [..., k·D]. */
function concatLastAxis(parts: StoredTensor[]): StoredTensor {
  const shape = parts[0]!.shape;
  const d = shape[shape.length - 1]!;
  const rows = parts[0]!.data.length / d;
  const data = new Float32Array(rows * d * parts.length);
  for (let r = 0; r < rows; r++) {
    parts.forEach((p, k) =>
      data.set(p.data.subarray(r * d, (r + 1) * d), (r * parts.length + k) * d)
    );
  }
  return { dtype: "F32", shape: [...shape.slice(0, -1), d * parts.length], data };
}

async function parityCase(name: typeof CASES[number], variant: Variant) {
  await useBackend(variant.backend, { blas: variant.blas });
  const backend = variant.label;
  const file = loadGolden(`trm_${name}.safetensors`);
  const cfg = modelConfigFromOfficial(JSON.parse(file.metadata.config!));
  const official = Object.fromEntries(
    Object.entries(file.tensors).filter(([n]) => n.startsWith(OFFICIAL_PREFIX)),
  );
  const stored = officialToKit(official, cfg, `trm_${name}.safetensors`);
  const w = Object.fromEntries(Object.entries(stored).map(([n, s]) => [n, toTensor(s)]));
  const model = createModel(cfg);
  const label = LABELS[name];
  const g = (n: string) => golden(file, n);
  // The carried z: z_L, or trm_hier6's z_L1..z_L6 side by side (the kit's multi-scale layout).
  const gz = (p: string) =>
    cfg.latentMode === "multiScale"
      ? concatLastAxis(Array.from({ length: cfg.latentSteps }, (_, i) => g(`${p}z_L${i + 1}`)))
      : g(`${p}z_L`);
  const inputs = toTensor(g("inputs")) as tf.Tensor2D;
  const labels = toTensor(g("labels")) as tf.Tensor2D;
  const q = { inputs, puzzleIds: toTensor(g("puzzle_identifiers")) as tf.Tensor1D };
  const b = inputs.shape[0];
  // The trainer's loss (lib/train/loss.ts supervisionLoss): per-row means summed, + 0.5 BCE, / B.
  assertEquals(defaultTrainConfig.haltLossWeight, 0.5);
  // Without a prefix the puzzle table is unused and has no official counterpart.
  const trainable = [...namesIn(cfg, "dense"), ...(cfg.puzzlePrefix > 0 ? ["puzzle_emb"] : [])];

  for (const step of [1, 2]) {
    const p = `step${step}.`;
    const state = step === 1 ? model.initialState(w, b) : {
      y: toTensor(g("step1.z_H")) as tf.Tensor3D,
      z: toTensor(gz("step1.")) as tf.Tensor3D,
    };
    const kept: Record<string, tf.Tensor> = {};
    const lossOf = (...xs: tf.Tensor[]) => {
      const ww = { ...w, ...Object.fromEntries(trainable.map((n, i) => [n, xs[i]!])) };
      const out = model.supervisionStep(ww, q, state);
      const lm = tf.sum(answerLoss(out.logits, labels, "stablemax"));
      const r = noGrad(() => rowCorrectness(out.logits, labels));
      const qHaltLoss = tf.sum(bceWithLogits(out.qHalt, r.exact));
      let halt = qHaltLoss;
      if (cfg.halting === "qAct") {
        // HRM's q_continue target as the trainer's #continueTarget computes it: an extra
        // forward on the new state, without gradient; sigmoid(q_halt') at the last step.
        const target = noGrad(() => {
          const ahead = model.supervisionStep(ww, q, out.state);
          const best = step >= cfg.supervisionSteps
            ? ahead.qHalt
            : tf.maximum(ahead.qHalt, ahead.qContinue);
          return tf.sigmoid(best);
        });
        const qc = tf.sum(bceWithLogits(out.qContinue, target));
        Object.assign(kept, { target: tf.keep(target), qc: tf.keep(qc) });
        halt = tf.add(halt, qc);
      }
      Object.assign(kept, {
        logits: tf.keep(out.logits),
        qHalt: tf.keep(out.qHalt),
        qContinue: tf.keep(out.qContinue),
        y: tf.keep(out.state.y),
        z: tf.keep(out.state.z),
        lm: tf.keep(lm),
        halt: tf.keep(qHaltLoss),
        exact: tf.keep(r.exact),
      });
      return tf.div(tf.add(lm, tf.mul(halt, 0.5)), b) as tf.Scalar;
    };
    const { value: loss, grads } = tf.valueAndGrads(lossOf)(trainable.map((n) => w[n]!));
    const read = async (t: tf.Tensor) => await t.data() as Float32Array;
    const outputs: Record<string, Deviation> = {
      logits: deviation(await read(kept.logits!), g(p + "logits").data),
      q_halt_logits: deviation(await read(kept.qHalt!), g(p + "q_halt_logits").data),
      q_continue_logits: deviation(await read(kept.qContinue!), g(p + "q_continue_logits").data),
    };
    const states = {
      z_H: deviation(await read(kept.y!), g(p + "z_H").data),
      z_L: deviation(await read(kept.z!), gz(p).data),
    };
    const losses: Record<string, Deviation> = {
      lm_loss: deviation(await read(kept.lm!), g(p + "lm_loss").data),
      q_halt_loss: deviation(await read(kept.halt!), g(p + "q_halt_loss").data),
      loss: deviation(await read(loss), g(p + "loss").data),
    };
    if (cfg.halting === "qAct") {
      Object.assign(losses, {
        target_q_continue: deviation(await read(kept.target!), g(p + "target_q_continue").data),
        q_continue_loss: deviation(await read(kept.qc!), g(p + "q_continue_loss").data),
      });
    }
    // The halting target is a 0/1 decision: it must agree exactly.
    assertEquals(Array.from(await read(kept.exact!)), Array.from(g(p + "seq_is_correct").data));
    expectClose(`${label} step ${step}: logits, q_halt, q_continue`, backend, outputs, OUTPUTS);
    expectClose(`${label} step ${step}: new y (z_H), z (z_L)`, backend, states, OUTPUTS);
    expectClose(`${label} step ${step}: losses (lm, halting, total)`, backend, losses, OUTPUTS);
    if (step === 2) {
      const gradDev: Record<string, Deviation> = {};
      for (const [i, n] of trainable.entries()) {
        // The expected gradient in kit layout, by the same mapping as the weights.
        const slot = officialSlot(n);
        const exp = g(`step2.grad.${OFFICIAL_PREFIX}${slot.name}`);
        gradDev[n] = deviation(
          await read(grads[i]!),
          (slot.transpose ? transpose2d(exp) : exp).data,
        );
      }
      expectClose(`${label} step 2: gradient of every parameter`, backend, gradDev, GRADS);
    }
    tf.dispose([loss, ...grads, ...Object.values(kept)]);
    if (step === 2) tf.dispose([state.y, state.z]);
  }
  tf.dispose([...Object.values(w), inputs, labels, q.puzzleIds]);
  model.dispose();
}

const haveBlas = await useBackend("wasm", { blas: "auto" }).then((b) => b.blas !== undefined);

for (const name of CASES) {
  for (const variant of BACKENDS) {
    Deno.test({
      name: `${LABELS[name]} matches the PyTorch reference on ${variant.label}`,
      ignore: variant.blas === "on" && !haveBlas, // no OpenBLAS here
      fn: async () => {
        await parityCase(name, variant);
        await useBackend("wasm");
      },
    });
  }
}
